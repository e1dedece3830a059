using System.Globalization;
using System.Text;
using System.Xml;
using LlmStrategies.Experiments;
using LlmStrategies.IO;

namespace LlmStrategies.Cli.Output;

/// <summary>
/// Writes JUnit XML, the format CI systems (GitHub Actions reporters, GitLab, Azure Pipelines, Jenkins) show without
/// custom parsing: a suite "gate" with a test case per gate check, and a suite per rung with a test case per failing
/// item (a rung with none gets one passing case that says how many items passed).
/// </summary>
internal static class JUnitReport
{
    public static string Render(string name, ExperimentReport report, GateResult? gate, IReadOnlyList<FailingItem> failing)
    {
        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = new UTF8Encoding(false) };
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            var suites = new List<(string Name, List<(string ClassName, string Case, string? Failure)> Cases)>();
            if (gate is not null)
            {
                suites.Add(("gate", gate.Findings.Select(f => ($"gate.{f.Strategy}", f.Metric ?? "errors", f.Failed ? f.Message : null)).ToList()));
            }

            foreach (var strategy in report.Strategies)
            {
                var rung = strategy.Strategy.Name;
                var cases = failing.Where(f => f.Strategy == rung).Select(f => (rung, f.Item, (string?)f.Reason)).ToList();
                if (cases.Count == 0)
                {
                    var items = report.Items.Count(i => i.Strategy == rung);
                    cases.Add((rung, string.Create(CultureInfo.InvariantCulture, $"all {items} items pass"), null));
                }

                suites.Add(($"items.{rung}", cases));
            }

            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", name);
            xml.WriteAttributeString("tests", Count(suites.Sum(s => s.Cases.Count)));
            xml.WriteAttributeString("failures", Count(suites.Sum(s => s.Cases.Count(c => c.Failure is not null))));
            foreach (var (suiteName, cases) in suites)
            {
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", suiteName);
                xml.WriteAttributeString("tests", Count(cases.Count));
                xml.WriteAttributeString("failures", Count(cases.Count(c => c.Failure is not null)));
                xml.WriteAttributeString("errors", "0");
                foreach (var (className, caseName, failure) in cases)
                {
                    xml.WriteStartElement("testcase");
                    xml.WriteAttributeString("classname", className);
                    xml.WriteAttributeString("name", caseName);
                    if (failure is not null)
                    {
                        xml.WriteStartElement("failure");
                        xml.WriteAttributeString("message", failure);
                        xml.WriteString(failure);
                        xml.WriteEndElement();
                    }

                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void Write(string path, string name, ExperimentReport report, GateResult? gate, IReadOnlyList<FailingItem> failing) =>
        AtomicFile.WriteAllText(path, Render(name, report, gate, failing));

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
