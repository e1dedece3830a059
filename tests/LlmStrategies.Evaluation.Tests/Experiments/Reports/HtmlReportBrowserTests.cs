using System.Diagnostics;
using System.Text.RegularExpressions;
using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Experiments.Reports;

/// <summary>
/// Opens the HTML report in a real headless Chromium: it renders without script errors, its charts are laid out, and a
/// screenshot is attached to the test result for a person to look at. Needs Chromium (Debian: chromium-headless-shell,
/// which .ci/run installs; or LLMSTRATEGIES_CHROMIUM=/path/to/chrome); skipped with that message when absent, failed
/// when absent under CI=true.
/// </summary>
public partial class HtmlReportBrowserTests
{
    private const string Probe = """
        <script>window.__errors = []; addEventListener('error', e => __errors.push(String(e.message)));</script>
        """;

    private const string Collect = """
        <script>
        addEventListener('load', () => {
          const charts = [...document.querySelectorAll('svg[role=img]')].map(svg => {
            const box = svg.getBoundingClientRect();
            const ticks = [...svg.querySelectorAll('text[text-anchor=end]')].map(t => t.textContent);
            return { label: svg.getAttribute('aria-label'), ticks, width: Math.round(box.width), height: Math.round(box.height), bars: svg.querySelectorAll('rect').length,
              barWidths: [...svg.querySelectorAll('rect')].map(r => Math.round(r.getBBox().width)) };
          });
          const pre = document.createElement('pre');
          pre.id = 'probe-result';
          pre.textContent = JSON.stringify({ errors: window.__errors, charts, title: document.title });
          document.body.appendChild(pre);
        });
        </script>
        """;

    [Test]
    public async Task TheReport_RendersInChromium_WithChartsOnAShared0To1Axis()
    {
        var chromium = FindChromium();
        var run = await new ExperimentRunner().RunAsync(
            [new ExperimentStrategy(ExperimentRunnerTests.AllRight()), new ExperimentStrategy(ExperimentRunnerTests.HalfRight())],
            ExperimentRunnerTests.Questions(40),
            [new ContainsEvaluator()]);
        var html = ExperimentReport.Create(run, new ReportOptions { Resamples = 500 }).ToHtml();
        using var directory = new TempDirectory();
        var page = directory.Write("report.html", html.Replace("<head>", "<head>" + Probe, StringComparison.Ordinal).Replace("</body>", Collect + "</body>", StringComparison.Ordinal));

        var dom = await ChromiumAsync(chromium, "--dump-dom", new Uri(page).AbsoluteUri);
        var screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "experiment-report.png");
        await ChromiumAsync(chromium, $"--screenshot={screenshot}", "--window-size=1100,1400", new Uri(page).AbsoluteUri);
        TestContext.AddTestAttachment(screenshot, "the HTML report as Chromium renders it");

        var probe = ProbeResult().Match(dom);
        Assert.That(probe.Success, Is.True, "the probe script ran and wrote its result into the page");
        using var result = System.Text.Json.JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(probe.Groups[1].Value));
        var charts = result.RootElement.GetProperty("charts").EnumerateArray().ToArray();
        var contains = charts.First(c => c.GetProperty("label").GetString()!.StartsWith(ContainsEvaluator.MetricName, StringComparison.Ordinal));
        var latency = charts.Single(c => c.GetProperty("label").GetString()!.EndsWith("against median latency (ms)", StringComparison.Ordinal));
        var bars = contains.GetProperty("barWidths").EnumerateArray().Select(b => b.GetInt32()).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(result.RootElement.GetProperty("errors").GetArrayLength(), Is.Zero, "no script errors");
            Assert.That(charts, Is.Not.Empty, "the charts exist");
            Assert.That(charts.Select(c => c.GetProperty("width").GetInt32() * c.GetProperty("height").GetInt32()), Is.All.GreaterThan(0), "every chart is laid out");
            Assert.That(bars, Has.Length.EqualTo(2));
            Assert.That(bars[1] / (double)bars[0], Is.EqualTo(0.5).Within(0.02), "a mean of 0.5 is half the bar of a mean of 1.0: the 0-1 axis is shared");
            Assert.That(latency.GetProperty("ticks").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { "0", "0.25", "0.5", "0.75", "1" }), "the scatter's score axis is 0-1 too");
            Assert.That(new FileInfo(screenshot).Length, Is.GreaterThan(0), "a screenshot was written");
        });
    }

    private static string FindChromium()
    {
        var configured = Environment.GetEnvironmentVariable("LLMSTRATEGIES_CHROMIUM");
        var candidates = configured is { Length: > 0 } ? [configured] : new[] { "chromium-headless-shell", "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(dir => Path.Combine(dir, name)));
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            const string Message = "No Chromium found: install Debian's chromium-headless-shell (apt-get install chromium-headless-shell), or set LLMSTRATEGIES_CHROMIUM to a Chrome/Chromium binary.";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(Message + " .ci/run installs it, so under CI=true this is a failure.");
            }

            Assert.Ignore(Message);
        }

        return found!;
    }

    private static async Task<string> ChromiumAsync(string chromium, params string[] arguments)
    {
        var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--virtual-time-budget=5000" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // A hang guard, not a speed assertion: a browser that never exits fails the test with its output.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"Chromium did not exit within 2 minutes: {await error}");
        }

        Assert.That(process.ExitCode, Is.Zero, () => $"Chromium failed: {error.Result}");
        return await output;
    }

    [GeneratedRegex("<pre id=\"probe-result\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex ProbeResult();
}
