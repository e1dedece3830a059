using System.Text;
using System.Text.Json;

namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>
/// Checks a chat-format JSONL training file before it is uploaded: every line one JSON object with a
/// <c>messages</c> array; known roles; no empty turns; at least one assistant turn; per-example and total token
/// counts within limits; no duplicate examples; enough examples. Every problem is reported with its line, the field,
/// what is wrong and how to fix it, and all problems are reported at once (not just the first).
/// </summary>
public sealed class TrainingDataValidator
{
    // OpenAI cookbook ("How to count tokens with tiktoken"): every message costs 3 tokens of framing, a name 1 more,
    // and every conversation 3 more for the assistant reply's priming.
    private const int TokensPerMessage = 3;
    private const int TokensPerName = 1;
    private const int TokensPerExample = 3;
    private const string ExampleShape = "write one JSON object per line: {\"messages\":[{\"role\":\"user\",\"content\":\"...\"},{\"role\":\"assistant\",\"content\":\"...\"}]}";

    private readonly TrainingDataValidationOptions _options;

    /// <summary>Creates a validator.</summary>
    /// <param name="options">The limits, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A limit is out of range or the tokenizer is missing; the message names it.</exception>
    public TrainingDataValidator(TrainingDataValidationOptions? options = null)
    {
        _options = ValidatedOptions.ThrowIfInvalid(new TrainingDataValidationOptionsValidator(), options ?? new TrainingDataValidationOptions());
    }

    /// <summary>Validates a file.</summary>
    /// <param name="path">The JSONL file.</param>
    /// <returns>The report; check <see cref="TrainingDataReport.IsValid"/> or call <see cref="TrainingDataReport.ThrowIfInvalid"/>.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public TrainingDataReport Validate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Validate(File.ReadAllBytes(path), path);
    }

    /// <summary>Validates JSONL read from a stream.</summary>
    /// <param name="utf8Jsonl">The UTF-8 JSONL content; read to the end, not disposed.</param>
    /// <param name="sourceName">The name shown in the report and in errors (for example the file name).</param>
    /// <returns>The report.</returns>
    public TrainingDataReport Validate(Stream utf8Jsonl, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(utf8Jsonl);
        ArgumentNullException.ThrowIfNull(sourceName);
        using var buffer = new MemoryStream();
        utf8Jsonl.CopyTo(buffer);
        return Validate(buffer.ToArray(), sourceName);
    }

    private TrainingDataReport Validate(byte[] content, string sourceName)
    {
        var issues = new List<TrainingDataIssue>();
        var tally = new ExampleTally();
        var span = content.AsSpan();
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }

        var lineNumber = 0;
        while (!span.IsEmpty)
        {
            lineNumber++;
            var line = NextLine(ref span);
            if (line.Trim(" \t"u8).IsEmpty)
            {
                // A single newline at the very end is the normal JSONL terminator, not a blank line.
                if (!span.IsEmpty)
                {
                    issues.Add(Error(lineNumber, "(line)", "the line is blank.", "remove blank lines; every line must be one example."));
                }

                continue;
            }

            tally.LineCount++;
            var before = issues.Count;
            CheckedExample? example;
            try
            {
                example = CheckLine(line, lineNumber, issues);
            }
            catch (InvalidOperationException ex)
            {
                // JsonElement.GetString throws this for strings that are not valid UTF-8.
                issues.Add(Error(lineNumber, "(line)", $"the line is not valid UTF-8 text ({ex.Message}).", "save the file as UTF-8."));
                continue;
            }

            if (example is { } valid && !issues.Skip(before).Any(i => i.Severity == TrainingDataIssueSeverity.Error))
            {
                TallyExample(valid, lineNumber, tally, issues);
            }
        }

        AddFileIssues(tally, issues);
        return new TrainingDataReport
        {
            Path = sourceName,
            LineCount = tally.LineCount,
            ValidExampleCount = tally.Valid,
            TotalTokens = tally.Total,
            MaxExampleTokens = tally.Max,
            MinExampleTokens = tally.Valid == 0 ? 0 : tally.Min,
            TokenizerName = _options.TokenizerName,
            Issues = issues,
        };
    }

    /// <summary>Cuts the next line (without its <c>\n</c> or <c>\r\n</c>) off the front of <paramref name="span"/>.</summary>
    private static ReadOnlySpan<byte> NextLine(ref Span<byte> span)
    {
        var end = span.IndexOf((byte)'\n');
        ReadOnlySpan<byte> line = end < 0 ? span : span[..end];
        span = end < 0 ? [] : span[(end + 1)..];
        return line.EndsWith("\r"u8) ? line[..^1] : line;
    }

    /// <summary>Counts an example that passed the line checks: duplicates, contradictory answers, the token limit.</summary>
    private void TallyExample(CheckedExample example, int lineNumber, ExampleTally tally, List<TrainingDataIssue> issues)
    {
        if (tally.SeenExamples.TryGetValue(example.Key, out var firstLine))
        {
            issues.Add(Error(lineNumber, "messages", $"the example duplicates line {firstLine}.", "remove one of them: a duplicate counts twice in training and may leak across splits."));
            return;
        }

        tally.SeenExamples.Add(example.Key, lineNumber);
        if (example.PromptKey.Length > 0)
        {
            if (tally.SeenPrompts.TryGetValue(example.PromptKey, out var earlier) && !string.Equals(earlier.Answer, example.Answer, StringComparison.Ordinal))
            {
                issues.Add(Warning(lineNumber, "messages", $"the prompt is the same as line {earlier.Line}'s but the final assistant answer differs.", "keep one answer per prompt unless the variation is intended; contradictory targets blur what the model learns."));
            }
            else
            {
                tally.SeenPrompts.TryAdd(example.PromptKey, (lineNumber, example.Answer));
            }
        }

        var tokens = example.Tokens;
        if (tokens > _options.MaxTokensPerExample)
        {
            issues.Add(Error(lineNumber, "messages", $"the example has {tokens:N0} tokens ({_options.TokenizerName}), more than the limit of {_options.MaxTokensPerExample:N0}.", "shorten the turns or split the conversation; the provider would truncate or reject it."));
            return;
        }

        tally.Valid++;
        tally.Total += tokens;
        tally.Max = Math.Max(tally.Max, tokens);
        tally.Min = Math.Min(tally.Min, tokens);
    }

    /// <summary>Adds the problems of the file as a whole: no examples, too few valid ones, too many tokens.</summary>
    private void AddFileIssues(ExampleTally tally, List<TrainingDataIssue> issues)
    {
        if (tally.LineCount == 0)
        {
            issues.Add(Error(0, "(file)", "the file has no examples.", "export the train split into it; " + ExampleShape));
        }
        else if (tally.Valid < _options.MinimumExamples)
        {
            issues.Add(Error(0, "(file)", $"only {tally.Valid} valid example(s); at least {_options.MinimumExamples} are needed.", "fix the errors above or add examples (providers recommend 50 to 100 well-chosen examples to see a clear effect)."));
        }

        if (_options.MaxTotalTokens is { } limit && tally.Total > limit)
        {
            issues.Add(Error(0, "(file)", $"the examples total {tally.Total:N0} tokens, more than the limit of {limit:N0}.", "use fewer or shorter examples, or raise TrainingDataValidationOptions.MaxTotalTokens if the provider allows more."));
        }
    }

    /// <summary>Checks one line's JSON; <see langword="null"/> when it is not an object with a non-empty messages array.</summary>
    private CheckedExample? CheckLine(ReadOnlySpan<byte> line, int lineNumber, List<TrainingDataIssue> issues)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.ToArray());
        }
        catch (JsonException ex)
        {
            issues.Add(Error(lineNumber, "(line)", $"the line is not valid JSON ({ex.Message}).", ExampleShape + "; a JSON value must not span lines."));
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                issues.Add(Error(lineNumber, "(line)", $"the line is a JSON {Kind(root)}, not an object.", ExampleShape));
                return null;
            }

            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not "messages")
                {
                    issues.Add(Warning(lineNumber, property.Name, "this field is not checked by the validator (only text chat messages are).", "remove it unless your provider documents it (for example tools or parallel_tool_calls)."));
                }
            }

            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            {
                issues.Add(Error(lineNumber, "messages", messages.ValueKind == JsonValueKind.Undefined ? "the field is missing." : $"the field is a JSON {Kind(messages)}, not an array.", ExampleShape));
                return null;
            }

            if (messages.GetArrayLength() == 0)
            {
                issues.Add(Error(lineNumber, "messages", "the conversation is empty.", "add at least a user turn and the assistant answer."));
                return null;
            }

            return CheckConversation(messages, lineNumber, issues);
        }
    }

    /// <summary>Checks each message and the order of the turns, and counts the example's tokens.</summary>
    private CheckedExample CheckConversation(JsonElement messages, int lineNumber, List<TrainingDataIssue> issues)
    {
        var tokens = TokensPerExample;
        var key = new StringBuilder();
        var prompt = new StringBuilder();
        var lastAssistant = string.Empty;
        var assistants = 0;
        var users = 0;
        var lastRole = string.Empty;
        var index = -1;
        foreach (var message in messages.EnumerateArray())
        {
            index++;
            var field = $"messages[{index}]";
            if (message.ValueKind != JsonValueKind.Object)
            {
                issues.Add(Error(lineNumber, field, $"the message is a JSON {Kind(message)}, not an object.", "write each message as {\"role\":\"...\",\"content\":\"...\"}."));
                continue;
            }

            var role = CheckRole(message, lineNumber, field, issues);
            var content = CheckContent(message, role, lineNumber, field, issues);
            CheckWeight(message, role, lineNumber, field, issues);
            if (role is null || content is null)
            {
                continue;
            }

            if (role is "system" or "developer" && index > 0)
            {
                issues.Add(Warning(lineNumber, $"{field}.role", $"a {role} message appears after the conversation started (position {index}).", $"put the {role} message first, as the model will see it when called."));
            }

            assistants += role == "assistant" ? 1 : 0;
            users += role == "user" ? 1 : 0;
            lastRole = role;
            tokens += MessageTokens(message, role, content);
            if (role == "assistant")
            {
                // The prompt of a final answer is everything before it.
                prompt.Clear().Append(key);
                lastAssistant = content;
            }

            key.Append(role).Append('\u001F').Append(content).Append('\u001E');
        }

        if (assistants == 0)
        {
            issues.Add(Error(lineNumber, "messages", "the conversation has no assistant turn, so there is nothing to learn.", "add the expected answer as a final {\"role\":\"assistant\",\"content\":\"...\"} message."));
        }
        else if (lastRole.Length > 0 && lastRole != "assistant")
        {
            issues.Add(Warning(lineNumber, $"messages[{index}]", $"the conversation ends with a {lastRole} turn; turns after the last assistant answer are not learned.", "end each example with the assistant answer, or remove the trailing turns."));
        }

        if (users == 0 && assistants > 0)
        {
            issues.Add(Warning(lineNumber, "messages", "the conversation has no user turn.", "add the user's input before the assistant answer, as the model will be called with one."));
        }

        return new CheckedExample(tokens, key.ToString(), prompt.ToString(), lastAssistant);
    }

    /// <summary>A message's tokens: framing, role, content and (when present) name.</summary>
    private int MessageTokens(JsonElement message, string role, string content)
    {
        var tokens = TokensPerMessage + _options.Tokenizer.CountTokens(role) + _options.Tokenizer.CountTokens(content);
        if (message.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            tokens += TokensPerName + _options.Tokenizer.CountTokens(name.GetString()!);
        }

        return tokens;
    }

    private string? CheckRole(JsonElement message, int lineNumber, string field, List<TrainingDataIssue> issues)
    {
        if (!message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
        {
            issues.Add(Error(lineNumber, $"{field}.role", role.ValueKind == JsonValueKind.Undefined ? "the role is missing." : $"the role is a JSON {Kind(role)}, not a string.", $"set it to one of: {string.Join(", ", _options.AllowedRoles.Order(StringComparer.Ordinal))}."));
            return null;
        }

        var value = role.GetString()!;
        if (!_options.AllowedRoles.Contains(value))
        {
            issues.Add(Error(lineNumber, $"{field}.role", $"\"{value}\" is not an allowed role.", $"use one of: {string.Join(", ", _options.AllowedRoles.Order(StringComparer.Ordinal))} (roles are lower-case)."));
            return null;
        }

        return value;
    }

    private static string? CheckContent(JsonElement message, string? role, int lineNumber, string field, List<TrainingDataIssue> issues)
    {
        var who = role ?? "message";
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            issues.Add(Error(lineNumber, $"{field}.content", $"the {who} turn has no content.", $"write the {who} text in \"content\", or remove the turn."));
            return null;
        }

        if (content.ValueKind != JsonValueKind.String)
        {
            issues.Add(Error(lineNumber, $"{field}.content", $"the content is a JSON {Kind(content)}; this validator checks text turns, whose content is a string.", "write the text as a JSON string."));
            return null;
        }

        var text = content.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            issues.Add(Error(lineNumber, $"{field}.content", $"the {who} turn is empty.", who == "assistant" ? "write the expected answer, or remove the example." : $"write the {who} text, or remove the turn."));
            return null;
        }

        return text;
    }

    private static void CheckWeight(JsonElement message, string? role, int lineNumber, string field, List<TrainingDataIssue> issues)
    {
        if (!message.TryGetProperty("weight", out var weight))
        {
            return;
        }

        if (role != "assistant")
        {
            issues.Add(Error(lineNumber, $"{field}.weight", "only assistant messages can have a weight.", "remove the weight."));
        }
        else if (weight.ValueKind != JsonValueKind.Number || !weight.TryGetInt32(out var value) || value is not (0 or 1))
        {
            issues.Add(Error(lineNumber, $"{field}.weight", $"the weight is {weight.GetRawText()}; it must be 0 (do not learn this turn) or 1.", "set it to 0 or 1, or remove it."));
        }
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "value",
    };

    private static TrainingDataIssue Error(int line, string field, string problem, string fix) => new(line, field, problem, fix, TrainingDataIssueSeverity.Error);

    private static TrainingDataIssue Warning(int line, string field, string problem, string fix) => new(line, field, problem, fix, TrainingDataIssueSeverity.Warning);

    /// <summary>A line that parsed as a conversation: its tokens, its identity (every turn), the prompt before the final
    /// assistant answer, and that answer.</summary>
    private sealed record CheckedExample(int Tokens, string Key, string PromptKey, string Answer);

    /// <summary>What the file's lines have added up to so far.</summary>
    private sealed class ExampleTally
    {
        public Dictionary<string, int> SeenExamples { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, (int Line, string Answer)> SeenPrompts { get; } = new(StringComparer.Ordinal);

        public int LineCount { get; set; }

        public int Valid { get; set; }

        public long Total { get; set; }

        public int Max { get; set; }

        public int Min { get; set; } = int.MaxValue;
    }
}
