using System.Diagnostics;

namespace LvsDirector.Tests.Web;

/// <summary>
/// Renders the status page in headless Chromium and checks the screenshot: a PNG of the window size whose
/// pixels contain the table header colour (CSS applied) and the green "up" health cell (script ran and
/// built rows from the embedded data). Needs /usr/bin/chromium, which scripts/deps.sh installs.
/// </summary>
public class StatusPageScreenshotTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Status_page_renders_the_table_in_headless_chromium()
    {
        // scripts/deps.sh installs Debian's chromium; a run without it must fail rather than pass untested.
        Assert.True(File.Exists(Chromium), $"{Chromium} is not installed: run scripts/deps.sh (apt-get install -y chromium)");

        await using var bed = await WebTestBed.StartAsync();
        var directory = Directory.CreateTempSubdirectory("lvsd-status-shot-");
        try
        {
            var png = Path.Combine(directory.FullName, "status.png");
            var start = new ProcessStartInfo(Chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--force-color-profile=srgb", "--hide-scrollbars",
                $"--user-data-dir={Path.Combine(directory.FullName, "profile")}", $"--screenshot={png}",
                "--window-size=1200,800", $"http://{bed.Server.BoundEndpoint}/",
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            Assert.True(File.Exists(png), $"no screenshot; chromium exited {process.ExitCode}: {await output} {await errors}");
            var image = PngImage.Decode(await File.ReadAllBytesAsync(png));
            Assert.Equal(1200, image.Width);
            Assert.Equal(800, image.Height);
            Assert.True(image.Count(0x2b, 0x4a, 0x6b) > 1000, "the table header (#2b4a6b) is not on the screenshot");
            Assert.True(image.Count(0xc8, 0xef, 0xc8) > 100, "no green 'up' health cell (#c8efc8) on the screenshot");
            Assert.True(image.Count(0xf3, 0xe6, 0xb3) > 100, "no 'quiescent' health cell (#f3e6b3) on the screenshot");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
