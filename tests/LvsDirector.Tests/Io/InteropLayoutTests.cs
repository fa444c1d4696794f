using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LvsDirector.Interop.Linux;

namespace LvsDirector.Tests.Io;

/// <summary>The blittable structs must match the x86_64 Linux layouts byte for byte.</summary>
public sealed class InteropLayoutTests
{
    [Fact]
    public void StructSizes_MatchTheKernelAbi()
    {
        Assert.Equal(16, Unsafe.SizeOf<TPacketReq>());
        Assert.Equal(8, Unsafe.SizeOf<TPacketStats>());
        Assert.Equal(16, Unsafe.SizeOf<Timespec>());
        Assert.Equal(28, Unsafe.SizeOf<TPacketReq3>());
        Assert.Equal(12, Unsafe.SizeOf<TPacketStatsV3>());
        Assert.Equal(20, Unsafe.SizeOf<SockAddrLl>());
        Assert.Equal(16, Unsafe.SizeOf<PacketMreq>());
        Assert.Equal(8, Unsafe.SizeOf<PollFd>());
        Assert.Equal(16, Unsafe.SizeOf<IoVec>());
        Assert.Equal(56, Unsafe.SizeOf<MsgHdr>());
        Assert.Equal(64, Unsafe.SizeOf<MMsgHdr>());
        Assert.Equal(40, Unsafe.SizeOf<IfReq>());
        Assert.Equal(8, Unsafe.SizeOf<EthtoolValue>());
        Assert.Equal(56, Unsafe.SizeOf<IfAddrs>());
    }

    [Fact]
    public void FieldOffsets_MatchTheKernelAbi()
    {
        // Blittable structs marshal as they are laid out, so Marshal.OffsetOf reports the native offsets.
        Assert.Equal(16, (int)Marshal.OffsetOf<MsgHdr>(nameof(MsgHdr.Iov)));
        Assert.Equal(24, (int)Marshal.OffsetOf<MsgHdr>(nameof(MsgHdr.IovLength)));
        Assert.Equal(48, (int)Marshal.OffsetOf<MsgHdr>(nameof(MsgHdr.Flags)));
        Assert.Equal(56, (int)Marshal.OffsetOf<MMsgHdr>(nameof(MMsgHdr.Length)));
        Assert.Equal(10, (int)Marshal.OffsetOf<SockAddrLl>(nameof(SockAddrLl.PacketType)));
        Assert.Equal(24, (int)Marshal.OffsetOf<IfAddrs>(nameof(IfAddrs.Address)));
        Assert.Equal(16, (int)Marshal.OffsetOf<IfReq>(nameof(IfReq.Mtu)));
    }
}
