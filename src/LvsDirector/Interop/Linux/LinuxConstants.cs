namespace LvsDirector.Interop.Linux;

/// <summary>Values from the x86_64 Linux uapi headers (socket.h, if_packet.h, if_ether.h, mman.h, poll.h, sockios.h, ethtool.h).</summary>
internal static class LinuxConstants
{
    internal const int AfInet = 2;
    internal const int AfInet6 = 10;
    internal const int AfPacket = 17;
    internal const int SockRaw = 3;
    internal const int SockCloexec = 0x80000;

    internal const int SolSocket = 1;
    internal const int SoError = 4;
    internal const int SoRcvBuf = 8;
    internal const int SoRcvBufForce = 33;
    internal const int SoBusyPoll = 46;
    internal const int SolPacket = 263;

    internal const int PacketAddMembership = 1;
    internal const int PacketRxRing = 5;
    internal const int PacketStatistics = 6;
    internal const int PacketCopyThresh = 7;
    internal const int PacketVersion = 10;
    internal const int PacketFanout = 18;
    internal const int PacketQdiscBypass = 20;
    internal const int PacketIgnoreOutgoing = 23;

    internal const int TpacketV2 = 1;
    internal const int TpacketV3 = 2;
    internal const int PacketMrPromisc = 1;
    internal const int PacketMrAllMulti = 2;
    internal const int PacketFanoutHash = 0;
    internal const int PacketFanoutCbpf = 6;
    internal const int PacketFanoutData = 22;

    /// <summary>Frames the host sends are not fanned out (Linux 6.x; older kernels refuse the flag with EINVAL).</summary>
    internal const int PacketFanoutFlagIgnoreOutgoing = 0x4000;

    /// <summary>With PACKET_FANOUT: create a new group under an id the kernel picks (read back with getsockopt).</summary>
    internal const int PacketFanoutFlagUniqueId = 0x2000;

    /// <summary>sll_pkttype of frames the host itself transmitted on the device.</summary>
    internal const byte PacketOutgoing = 4;

    /// <summary>htons(ETH_P_ALL) as stored in memory on a little-endian machine.</summary>
    internal const ushort EthPAllNetworkOrder = 0x0300;

    internal const uint TpStatusKernel = 0;
    internal const uint TpStatusUser = 1;
    internal const uint TpStatusCopy = 1 << 1;
    internal const uint TpStatusCsumNotReady = 1 << 3;
    internal const uint TpStatusCsumValid = 1 << 7;

    internal const int ProtRead = 1;
    internal const int ProtWrite = 2;
    internal const int MapShared = 1;
    internal const int MapPopulate = 0x8000;
    internal const nint MapFailed = -1;

    internal const int MsgTrunc = 0x20;
    internal const int MsgDontWait = 0x40;

    internal const short PollIn = 1;
    internal const short PollErr = 8;

    internal const nuint SiocGifMtu = 0x8921;
    internal const nuint SiocGifHwAddr = 0x8927;
    internal const nuint SiocEthtool = 0x8946;

    internal const uint EthtoolGTso = 0x1e;
    internal const uint EthtoolSTso = 0x1f;
    internal const uint EthtoolGGso = 0x23;
    internal const uint EthtoolSGso = 0x24;
    internal const uint EthtoolGFlags = 0x25;
    internal const uint EthtoolSFlags = 0x26;
    internal const uint EthtoolGGro = 0x2b;
    internal const uint EthtoolSGro = 0x2c;
    internal const uint EthFlagLro = 1 << 15;
    internal const uint EthtoolGStrings = 0x1b;
    internal const uint EthtoolGSsetInfo = 0x37;
    internal const uint EthtoolGFeatures = 0x3a;
    internal const uint EthtoolSFeatures = 0x3b;
    internal const uint EthSsFeatures = 4;
    internal const int EthGStringLength = 32;

    internal const int CloneNewNet = 0x40000000;

    internal const int EIntr = 4;
    internal const int EAgain = 11;
    internal const int ENoDev = 19;
    internal const int EInval = 22;
    internal const int ENoProtoOpt = 92;
    internal const int EOpNotSupp = 95;

    internal const int SigHup = 1;
}
