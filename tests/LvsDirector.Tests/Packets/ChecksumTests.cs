using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class ChecksumTests
{
    [Fact]
    public void AddMatchesNaiveSumForEveryLengthAndAlignment()
    {
        var random = new Random(1071);
        var buffer = FrameBuilder.RandomPayload(random, 300);
        for (int start = 0; start < 8; start++)
        {
            for (int length = 0; length + start <= buffer.Length; length++)
            {
                var data = buffer.AsSpan(start, length);
                Assert.Equal(ReferenceChecksum.Fold(ReferenceChecksum.Sum(data)), Checksum.Fold(Checksum.Add(data)));
            }
        }
    }

    [Fact]
    public void AddHandlesAllOnesWithoutLosingCarries()
    {
        var ones = new byte[65_536 + 7];
        Array.Fill(ones, (byte)0xFF);
        Assert.Equal(ReferenceChecksum.Fold(ReferenceChecksum.Sum(ones)), Checksum.Fold(Checksum.Add(ones)));
        Assert.Equal(ReferenceChecksum.Fold(ReferenceChecksum.Sum(ones) + 0xFFFF_FFFFL),
            Checksum.Fold(Checksum.Add(ones, 0xFFFF_FFFF)));
    }

    [Fact]
    public void SumsOfEvenSplitsCombine()
    {
        var random = new Random(7);
        var data = FrameBuilder.RandomPayload(random, 101);
        uint split = Checksum.Add(data.AsSpan(40), Checksum.Add(data.AsSpan(0, 40)));
        Assert.Equal(Checksum.Fold(Checksum.Add(data)), Checksum.Fold(split));
    }

    [Fact]
    public void Rfc1071ExampleSum()
    {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        Assert.Equal(0xddf2, Checksum.Fold(Checksum.Add(data)));
        Assert.Equal(0x220d, Checksum.Finish(Checksum.Add(data)));
    }

    [Fact]
    public void Ipv4HeaderChecksumIgnoresStoredField()
    {
        // A commonly cited example header with checksum b861.
        byte[] header = Convert.FromHexString("450000730000400040110000c0a80001c0a800c7");
        Assert.Equal(0xb861, Checksum.Ipv4Header(header));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), 0x1234);
        Assert.Equal(0xb861, Checksum.Ipv4Header(header));
        Assert.Equal(0xb861, Checksum.Ipv4Header([.. header, 1, 2, 3])); // payload after IHL*4 is not summed
        Ipv4Header.WriteChecksum(header);
        Assert.Equal(0xb861, Ipv4Header.HeaderChecksum(header));
        Assert.True(Ipv4Header.VerifyChecksum(header));
    }

    [Fact]
    public void TransportMatchesReferenceAndIgnoresStoredField()
    {
        var random = new Random(42);
        for (int i = 0; i < 500; i++)
        {
            var builder = new FrameBuilder
            {
                SourceAddress = (uint)random.NextInt64(),
                DestinationAddress = (uint)random.NextInt64(),
                IpOptionsLength = 4 * random.Next(3),
                Padding = random.Next(3),
            };
            var payload = FrameBuilder.RandomPayload(random, random.Next(0, 200));
            byte[] frame = (i % 3) switch
            {
                0 => builder.Tcp(1, 2, TcpFlags.Ack, payload, optionsLength: 4 * random.Next(4)),
                1 => builder.Udp(3, 4, payload),
                _ => builder.IcmpEcho(5, 6, payload),
            };
            Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
            int checksumOffset = info.L4Offset + (info.Protocol switch { IpProtocol.Tcp => 16, IpProtocol.Udp => 6, _ => 2 });
            ushort expected = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(checksumOffset));
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(checksumOffset), (ushort)random.Next(65536));
            Assert.Equal(expected, Checksum.Transport(frame.AsSpan(info.L3Offset)));
        }
    }

    [Fact]
    public void TransportRejectsMalformedInputWithoutThrowing()
    {
        Assert.Equal(0, Checksum.Transport([]));
        Assert.Equal(0, Checksum.Transport(new byte[19]));
        var frame = new FrameBuilder().Udp(1, 2, "x"u8);
        Assert.Equal(0, Checksum.Transport(frame.AsSpan(14, 28))); // shorter than the total length
        Assert.Equal(0, Checksum.Ipv4Header(new byte[10]));
        Assert.Equal(0, Checksum.Ipv4Header(frame.AsSpan(14, 20).ToArray().Select((b, i) => i == 0 ? (byte)0x46 : b).ToArray()));
    }

    [Fact]
    public void Rfc1624Example()
    {
        // RFC 1624 section 4: HC 0xDD2F, m 0x5555 -> m' 0x3285; eqn. 3 gives 0x0000 where eqn. 2 gives 0xFFFF.
        Assert.Equal(0x0000, Checksum.Update16(0xDD2F, 0x5555, 0x3285));
    }

    [Theory]
    [InlineData(0x0000, 0x0000, 0xFFFF)]
    [InlineData(0xFFFF, 0xFFFF, 0x0000)]
    [InlineData(0x0000, 0x1234, 0x1234)]
    [InlineData(0xFFFE, 0x0000, 0x0001)]
    [InlineData(0x0001, 0xFFFF, 0xFFFE)]
    public void Update16EdgeCasesMatchFullRecomputation(int otherWord, int oldValue, int newValue)
    {
        // A two-word message: one fixed word and the field that changes.
        byte[] before = new byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(before, (ushort)otherWord);
        BinaryPrimitives.WriteUInt16BigEndian(before.AsSpan(2), (ushort)oldValue);
        byte[] after = (byte[])before.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(after.AsSpan(2), (ushort)newValue);

        ushort updated = Checksum.Update16(ReferenceChecksum.Compute(before), (ushort)oldValue, (ushort)newValue);

        Assert.True(ReferenceChecksum.Equivalent(ReferenceChecksum.Compute(after), updated));
        Assert.True(ReferenceChecksum.Verifies([.. after, (byte)(updated >> 8), (byte)updated]));
    }

    [Fact]
    public void UpdatesMatchFullRecomputationOnRandomData()
    {
        var random = new Random(3);
        for (int i = 0; i < 20_000; i++)
        {
            var data = FrameBuilder.RandomPayload(random, 2 * random.Next(2, 40));
            ushort checksum = ReferenceChecksum.Compute(data);
            int at = 2 * random.Next(data.Length / 2 - 1);
            if (random.Next(2) == 0)
            {
                ushort oldValue = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at));
                ushort newValue = (ushort)random.Next(65536);
                BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(at), newValue);
                checksum = Checksum.Update16(checksum, oldValue, newValue);
            }
            else
            {
                uint oldValue = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
                uint newValue = (uint)random.NextInt64();
                BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(at), newValue);
                checksum = Checksum.Update32(checksum, oldValue, newValue);
            }

            Assert.True(ReferenceChecksum.Equivalent(ReferenceChecksum.Compute(data), checksum));
        }
    }

    [Fact]
    public void FoldReducesWideSums()
    {
        Assert.Equal(0xFFFF, Checksum.Fold(0xFFFFu));
        Assert.Equal(0x0001, Checksum.Fold(0x10000u));
        Assert.Equal(0xFFFF, Checksum.Fold(0xFFFF_FFFFu));
        Assert.Equal(0xFFFF, Checksum.Fold(ulong.MaxValue));
        Assert.Equal(0, Checksum.Fold(0u));
        Assert.Equal(ReferenceChecksum.Fold(0x1_2345_6789L), Checksum.Fold(0x1_2345_6789UL));
    }
}
