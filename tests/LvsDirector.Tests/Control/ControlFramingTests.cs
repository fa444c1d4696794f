using LvsDirector.Control;

namespace LvsDirector.Tests.Control;

public sealed class ControlFramingTests
{
    [Fact]
    public async Task A_frame_is_a_big_endian_length_and_the_payload()
    {
        using var stream = new MemoryStream();

        await ControlFraming.WriteFrameAsync(stream, "{}"u8.ToArray(), CancellationToken.None);

        Assert.Equal(new byte[] { 0, 0, 0, 2, (byte)'{', (byte)'}' }, stream.ToArray());
        stream.Position = 0;
        Assert.Equal("{}"u8.ToArray(), await ControlFraming.ReadFrameAsync(stream, 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_length_over_the_limit_is_refused_before_reading_the_payload()
    {
        using var stream = new MemoryStream([0x00, 0x10, 0x00, 0x01]);

        var ex = await Assert.ThrowsAsync<ControlProtocolException>(
            () => ControlFraming.ReadFrameAsync(stream, ControlDefaults.MaxRequestBytes, CancellationToken.None));

        Assert.Equal(ControlError.RequestTooLarge, ex.Error);
        Assert.Equal(4, stream.Position);
    }

    [Fact]
    public async Task A_length_exactly_at_the_limit_is_accepted()
    {
        using var stream = new MemoryStream([0, 0, 0, 3, 1, 2, 3]);

        Assert.Equal(new byte[] { 1, 2, 3 }, await ControlFraming.ReadFrameAsync(stream, 3, CancellationToken.None));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 5, 1, 2 })]
    [InlineData(new byte[] { 0, 0, 0, 0 })]
    public async Task Truncated_or_empty_frames_are_bad_requests(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);

        var ex = await Assert.ThrowsAsync<ControlProtocolException>(
            () => ControlFraming.ReadFrameAsync(stream, 100, CancellationToken.None));

        Assert.Equal(ControlError.BadRequest, ex.Error);
    }
}
