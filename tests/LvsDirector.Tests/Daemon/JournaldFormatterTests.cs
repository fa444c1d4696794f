using LvsDirector.Daemon;
using Serilog.Events;
using Serilog.Parsing;

namespace LvsDirector.Tests.Daemon;

public class JournaldFormatterTests
{
    [Theory]
    [InlineData(LogEventLevel.Verbose, "<7>")]
    [InlineData(LogEventLevel.Debug, "<7>")]
    [InlineData(LogEventLevel.Information, "<6>")]
    [InlineData(LogEventLevel.Warning, "<4>")]
    [InlineData(LogEventLevel.Error, "<3>")]
    [InlineData(LogEventLevel.Fatal, "<2>")]
    public void LinesStartWithThePriorityAndHaveNoTimestamp(LogEventLevel level, string prefix)
    {
        var text = Format(level, "Service {Service} added", "TCP 198.18.0.10:80", exception: null);

        Assert.Equal($"{prefix}Service TCP 198.18.0.10:80 added\n", text);
    }

    [Fact]
    public void EveryExceptionLineCarriesThePrefix()
    {
        Exception exception;
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException ex)
        {
            exception = ex;
        }

        var lines = Format(LogEventLevel.Error, "failed {Service}", "x", exception).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.True(lines.Length >= 3);
        Assert.Equal("<3>failed x", lines[0]);
        Assert.StartsWith("<3>System.InvalidOperationException: boom", lines[1], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.StartsWith("<3>", l, StringComparison.Ordinal));
    }

    private static string Format(LogEventLevel level, string template, string service, Exception? exception)
    {
        var logEvent = new LogEvent(
            DateTimeOffset.UnixEpoch,
            level,
            exception,
            new MessageTemplateParser().Parse(template),
            [new LogEventProperty("Service", new ScalarValue(service))]);
        using var writer = new StringWriter();
        new JournaldFormatter().Format(logEvent, writer);
        return writer.ToString();
    }
}
