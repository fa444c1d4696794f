using System.Runtime.InteropServices;
using LvsDirector.Interop.Linux;
using LvsDirector.Io;

namespace LvsDirector.Tests.Io;

public class InheritedSignalDispositionTests
{
    // SIGUSR2: nothing in the test host handles it, and its disposition is put back at the end.
    private const int Signal = 12;

    [Fact]
    public unsafe void An_ignored_signal_is_set_back_to_its_default_and_a_default_one_is_left_alone()
    {
        SigAction original;
        Assert.Equal(0, Libc.SigAction(Signal, null, &original));
        try
        {
            SigAction ignore = default;
            ignore.Handler = SigAction.Ignore;
            Assert.Equal(0, Libc.SigAction(Signal, &ignore, null));

            Assert.True(InheritedSignalDisposition.RestoreDefaultIfIgnored((PosixSignal)Signal));
            SigAction now;
            Assert.Equal(0, Libc.SigAction(Signal, null, &now));
            Assert.Equal(SigAction.Default, now.Handler);

            Assert.False(InheritedSignalDisposition.RestoreDefaultIfIgnored((PosixSignal)Signal));
        }
        finally
        {
            Libc.SigAction(Signal, &original, null);
        }
    }

    [Fact]
    public void A_bad_signal_number_is_an_error_not_a_silent_false()
    {
        var error = Assert.Throws<InvalidOperationException>(() => InheritedSignalDisposition.RestoreDefaultIfIgnored((PosixSignal)999));
        Assert.Contains("sigaction(999)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_signal_other_than_sighup_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => InheritedSignalDisposition.RestoreDefaultIfIgnored(PosixSignal.SIGTERM));
    }
}
