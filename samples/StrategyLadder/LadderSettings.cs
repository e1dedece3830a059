using System.Globalization;
using System.Reflection;
using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Providers;
using Microsoft.Extensions.Configuration;

namespace StrategyLadder;

/// <summary>
/// Checks every setting of the sample before any work (before the configuration is bound, which would throw a stack
/// trace at the first bad value, possibly after minutes of work): each value must have its type and range, every key
/// in the "Ladder" and "ChatProvider" sections must be a setting, and the files named must exist. Each problem is one
/// line naming the flag as it was typed (or the environment variable that set it), the value and what is allowed.
/// </summary>
internal static class LadderSettings
{
    private const string EnvironmentPrefix = "LLMSTRATEGIES_";

    /// <summary>Validates; returns <see langword="null"/> when everything is valid, else writes the problems and returns <see cref="ExitCodes.InvalidSettings"/>.</summary>
    public static int? Validate(IConfiguration configuration, string[] args, TextWriter error)
    {
        var problems = Problems(configuration).ToList();
        if (problems.Count == 0)
        {
            return null;
        }

        foreach (var (key, value, problem) in problems)
        {
            error.WriteLine($"error: {Spelling(key, value, args)}: {problem}");
        }

        error.WriteLine($"{problems.Count} invalid setting{(problems.Count == 1 ? string.Empty : "s")}; nothing was run (exit code {ExitCodes.InvalidSettings}). The settings are listed in samples/StrategyLadder/README.md.");
        return ExitCodes.InvalidSettings;
    }

    private static IEnumerable<(string Key, string? Value, string Problem)> Problems(IConfiguration configuration)
    {
        var ladder = Properties(typeof(LadderOptions)).Concat(Properties(typeof(LadderResilienceOptions))).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var provider = Properties(typeof(ChatProviderOptions)).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var (sectionName, known) in new[] { ("Ladder", ladder), ("ChatProvider", provider) })
        {
            foreach (var setting in configuration.GetSection(sectionName).GetChildren())
            {
                if (!known.TryGetValue(setting.Key, out var property))
                {
                    yield return (setting.Path, setting.Value, $"not a setting; the {sectionName} settings are {string.Join(", ", known.Keys.Order(StringComparer.Ordinal))}.");
                }
                else if (Check(property, setting) is { } problem)
                {
                    yield return (setting.Path, setting.Value, problem);
                }
            }
        }
    }

    private static IEnumerable<PropertyInfo> Properties(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    /// <summary>What is wrong with one value, or <see langword="null"/>.</summary>
    private static string? Check(PropertyInfo property, IConfigurationSection setting)
    {
        var value = setting.Value;
        if (value is null)
        {
            return setting.GetChildren().Any() ? "a value, not a section, is expected here." : null;
        }

        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var invariant = CultureInfo.InvariantCulture;
        return type switch
        {
            _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, invariant, out var i) ? Range(property.Name, i) : "not a whole number; allowed: " + Allowed(property.Name),
            _ when type == typeof(double) => double.TryParse(value, NumberStyles.Float, invariant, out var d) && double.IsFinite(d) ? Range(property.Name, d) : "not a finite number; allowed: " + Allowed(property.Name),
            _ when type == typeof(decimal) => decimal.TryParse(value, NumberStyles.Number, invariant, out var m) ? Range(property.Name, (double)m) : "not a number; allowed: " + Allowed(property.Name),
            _ when type == typeof(bool) => bool.TryParse(value, out _) ? null : "not a Boolean; allowed: true or false.",
            _ when type == typeof(TimeSpan) => TimeSpan.TryParse(value, invariant, out var t) && t > TimeSpan.Zero ? null : "not a positive duration; allowed: hh:mm:ss, for example 00:02:00.",
            _ when type == typeof(Uri) => Uri.TryCreate(value, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) ? null : "not an absolute http or https address; allowed: for example http://localhost:11434.",
            _ when type.IsEnum => Enum.GetNames(type).Contains(value, StringComparer.OrdinalIgnoreCase) ? null : $"not one of the allowed values: {string.Join(", ", Enum.GetNames(type))}.",
            _ when type == typeof(string) => PathProblem(property.Name, value),
            _ => null,
        };
    }

    /// <summary>The ranges of the numeric settings (a value of the right type can still be meaningless).</summary>
    private static string? Range(string name, double value)
    {
        var ok = name switch
        {
            nameof(LadderOptions.TestFraction) => value is > 0 and <= 0.8,
            nameof(LadderOptions.MaxTestItems) => value >= 1,
            nameof(LadderOptions.Parallelism) => value is >= 1 and <= 1_024,
            nameof(LadderOptions.RequestsPerSecond) => value > 0,
            nameof(LadderOptions.Budget) => value >= 0,
            nameof(LadderOptions.Repeats) => value is >= 1 and <= 1_000,
            nameof(LadderOptions.Resamples) => value is >= 1 and <= 100_000_000,
            nameof(LadderOptions.CallsPerMonth) => value >= 0,
            nameof(LadderResilienceOptions.CallTimeoutSeconds) => value is > 0 and <= 86_400,
            nameof(LadderResilienceOptions.MaxRetries) or nameof(ChatProviderOptions.ProviderMaxRetries) => value is >= 0 and <= 100,
            _ => true,
        };
        return ok ? null : "out of range; allowed: " + Allowed(name);
    }

    private static string Allowed(string name) => name switch
    {
        nameof(LadderOptions.TestFraction) => "a fraction above 0 and at most 0.8 (the dev split takes 0.2, the train split the rest), for example 0.4.",
        nameof(LadderOptions.MaxTestItems) => "a whole number of at least 1 (leave it out for all test items).",
        nameof(LadderOptions.Parallelism) => "a whole number from 1 to 1024.",
        nameof(LadderOptions.RequestsPerSecond) => "a number above 0 (leave it out for no limit).",
        nameof(LadderOptions.Budget) => "an amount of 0 or more in the price table's currency, for example 0.50.",
        nameof(LadderOptions.Repeats) => "a whole number from 1 to 1000.",
        nameof(LadderOptions.Resamples) => "a whole number from 1 to 100000000, for example 10000.",
        nameof(LadderOptions.CallsPerMonth) => "a number of 0 or more, for example 100000.",
        nameof(LadderResilienceOptions.CallTimeoutSeconds) => "a number of seconds above 0 and at most 86400, for example 60.",
        nameof(LadderResilienceOptions.MaxRetries) or nameof(ChatProviderOptions.ProviderMaxRetries) => "a whole number from 0 to 100.",
        nameof(LadderOptions.Seed) => "a whole number from -2147483648 to 2147483647, for example 42.",
        _ => "a value of the setting's type.",
    };

    /// <summary>The settings that name an input file or folder must name one that exists.</summary>
    private static string? PathProblem(string name, string value) => name switch
    {
        nameof(LadderOptions.Dataset) => File.Exists(value) || Directory.Exists(value) ? Readable(() => DatasetLoader.Load(value)) : $"no such file or folder ('{Path.GetFullPath(value)}'); allowed: a .jsonl, .csv or SQuAD .json file, or a BEIR folder.",
        nameof(LadderOptions.Corpus) => File.Exists(value) ? Readable(() => DatasetLoader.LoadCorpusJsonl(value)) : $"no such file ('{Path.GetFullPath(value)}'); allowed: a BEIR corpus.jsonl file.",
        nameof(LadderOptions.Prices) => File.Exists(value) ? Readable(() => PriceTable.Load(value)) : $"no such file ('{Path.GetFullPath(value)}'); allowed: a price table JSON file (see PriceTable.Load).",
        nameof(LadderOptions.GateBaseline) => File.Exists(value) ? Readable(() => ExperimentReport.Load(value)) : $"no such file ('{Path.GetFullPath(value)}'); allowed: a report.json written by an earlier run.",
        nameof(LadderOptions.EmbeddingModel) => Directory.Exists(value) ? null : $"no such folder ('{Path.GetFullPath(value)}'); allowed: the folder holding model.json (see the LlmStrategies.Embeddings.Local README).",
        nameof(LadderOptions.Output) => string.IsNullOrWhiteSpace(value) ? "empty; allowed: a folder path, for example artifacts/ladder." : null,
        _ => null,
    };

    /// <summary>A file's content problem (the loaders name the file, line and fix), or <see langword="null"/> when it loads.</summary>
    private static string? Readable(Func<object> load)
    {
        try
        {
            load();
            return null;
        }
        catch (Exception ex) when (ex is DatasetFormatException or ExperimentFileException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            var lines = ex.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return "the file cannot be used: " + string.Join(" ", lines.Take(3)) + (lines.Length > 3 ? $" (and {lines.Length - 3} more lines)" : string.Empty);
        }
    }

    /// <summary>The setting as the user wrote it: the command-line argument (with its value) or the environment variable.</summary>
    private static string Spelling(string key, string? value, string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var argument = args[i];
            var name = argument.TrimStart('-', '/');
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            var argumentKey = (equals < 0 ? name : name[..equals]).Replace("__", ":", StringComparison.Ordinal);
            if (name.Length < argument.Length && string.Equals(argumentKey, key, StringComparison.OrdinalIgnoreCase))
            {
                return equals >= 0 || i + 1 >= args.Length ? argument : $"{argument} {args[i + 1]}";
            }
        }

        var variable = EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal);
        return Environment.GetEnvironmentVariables().Keys.OfType<string>().FirstOrDefault(k => string.Equals(k, variable, StringComparison.OrdinalIgnoreCase)) is { } set
            ? $"environment variable {set}={value}"
            : $"{key}={value}";
    }
}
