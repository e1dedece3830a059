using System.Text;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Prompting;

/// <summary>
/// Renders a <see cref="PromptContext"/> into chat messages in a prefix-cache-friendly order, within token budgets.
/// </summary>
/// <remarks>
/// <para>
/// Layout: the stable system message (system prompt, instructions, output format; byte-identical across calls), then
/// worked examples as user/assistant turns (in the stable prefix too when
/// <see cref="SectionedPromptBuilderOptions.ExamplesAreStable"/>), the caller's system turns, the conversation, and last
/// the variable part: numbered context passages with citation markers and the question. Every built prompt reports the
/// hash and size of its stable prefix, so callers can check that provider-side prompt caching can work.
/// </para>
/// <para>
/// Budgets (with a tokenizer): each section keeps its best-ranked items that fit its own limit (examples by score, or
/// closeness to the question; context chunks by rank; conversation turns newest first, without gaps); then, while the
/// total is over budget, the sections in <see cref="PromptBudget.DropOrder"/> give up their lowest-ranked item. Token
/// counts are exact for the rendered text: each message adds <see cref="SectionedPromptBuilderOptions.TokensPerMessage"/>
/// and the reply <see cref="SectionedPromptBuilderOptions.ReplyPrimingTokens"/>, as in OpenAI's chat format.
/// </para>
/// <para>Thread-safe and stateless.</para>
/// </remarks>
public sealed class SectionedPromptBuilder : IPromptBuilder, IFingerprintable
{
    /// <summary>The version of the layout; part of the fingerprint so a layout change invalidates cached results.</summary>
    private const int LayoutVersion = 2;

    private readonly SectionedPromptBuilderOptions _options;

    /// <summary>Creates a builder.</summary>
    /// <param name="options">Settings; <see langword="null"/> for no tokenizer and no budget.</param>
    /// <exception cref="ArgumentException">A budget is set without a tokenizer, or a limit or drop order is invalid.</exception>
    public SectionedPromptBuilder(SectionedPromptBuilderOptions? options = null)
    {
        options = ValidatedOptions.ThrowIfInvalid(new SectionedPromptBuilderOptionsValidator(), options ?? new SectionedPromptBuilderOptions());
        PromptBudget? budget = null;
        if (options.Budget is { } given)
        {
            budget = new PromptBudget
            {
                MaxTotalTokens = given.MaxTotalTokens,
                MaxExampleTokens = given.MaxExampleTokens,
                MaxContextTokens = given.MaxContextTokens,
                MaxConversationTokens = given.MaxConversationTokens,
                DropOrder = given.DropOrder.Distinct().ToArray(),
            };
        }

        _options = new SectionedPromptBuilderOptions
        {
            Tokenizer = options.Tokenizer,
            TokenizerName = options.TokenizerName,
            Budget = budget,
            TokensPerMessage = options.TokensPerMessage,
            ReplyPrimingTokens = options.ReplyPrimingTokens,
            ExamplesAreStable = options.ExamplesAreStable,
        };
    }

    /// <inheritdoc/>
    public ValueTask<BuiltPrompt> BuildAsync(PromptContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(context.Question);
        cancellationToken.ThrowIfCancellationRequested();

        var system = SystemText(context);
        var leadingSystem = context.Conversation.TakeWhile(m => m.Role == ChatRole.System).ToArray();
        var selection = new Selection(
            Enumerable.Range(0, context.Examples.Count).ToList(),
            Enumerable.Range(0, context.Context.Count).ToList(),
            Enumerable.Range(leadingSystem.Length, context.Conversation.Count - leadingSystem.Length).ToList());

        if (_options.Budget is { } budget)
        {
            Fit(context, system, leadingSystem, selection, budget);
        }

        return ValueTask.FromResult(Render(context, system, leadingSystem, selection));
    }

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("layout", LayoutVersion)
            .Add("stable-examples", _options.ExamplesAreStable)
            .Add("tokenizer", _options.Tokenizer is null ? null : _options.TokenizerName ?? _options.Tokenizer.GetType().FullName)
            .Add("budget.total", _options.Budget?.MaxTotalTokens)
            .Add("budget.examples", _options.Budget?.MaxExampleTokens)
            .Add("budget.context", _options.Budget?.MaxContextTokens)
            .Add("budget.conversation", _options.Budget?.MaxConversationTokens)
            .Add("budget.drop-order", _options.Budget is null ? null : string.Join(",", _options.Budget.DropOrder));
    }

    private static string SystemText(PromptContext context)
    {
        var parts = new[] { context.SystemPrompt, context.Instructions, context.OutputFormat }.Where(p => !string.IsNullOrWhiteSpace(p));
        return string.Join("\n\n", parts);
    }

    /// <summary>
    /// Example indices ranked best first, the way selectors rank (<see cref="FewShot.FewShotSelection.RankBestFirst"/>):
    /// by score when every example has one, else closest to the question (last) first; ties go to the later example.
    /// </summary>
    private static List<int> RankExamples(IReadOnlyList<FewShotExample> examples, IEnumerable<int> indices) =>
        examples.All(e => e.Score is not null)
            ? [.. indices.OrderByDescending(i => examples[i].Score).ThenByDescending(i => i)]
            : [.. indices.OrderByDescending(i => i)];

    private BuiltPrompt Render(PromptContext context, string system, ChatMessage[] leadingSystem, Selection selection)
    {
        var messages = new List<ChatMessage>();
        var sections = new List<PromptSection>();
        var stableCount = 0;
        if (system.Length > 0)
        {
            messages.Add(new ChatMessage(ChatRole.System, system));
            stableCount = 1;
            foreach (var (kind, text) in new[] { (PromptSectionKind.System, context.SystemPrompt), (PromptSectionKind.Instructions, context.Instructions), (PromptSectionKind.OutputFormat, context.OutputFormat) })
            {
                if (!string.IsNullOrWhiteSpace(text))
                {
                    sections.Add(new PromptSection { Kind = kind, Text = text, IsStable = true, TokenCount = Count(text) });
                }
            }
        }

        var examples = selection.Examples.Select(i => context.Examples[i]).ToArray();
        var exampleMessages = PromptText.RenderExamples(examples).ToArray();
        if (_options.ExamplesAreStable)
        {
            messages.AddRange(exampleMessages);
            stableCount = messages.Count;
        }

        messages.AddRange(leadingSystem);
        if (!_options.ExamplesAreStable)
        {
            messages.AddRange(exampleMessages);
        }

        if (examples.Length > 0)
        {
            sections.Add(new PromptSection { Kind = PromptSectionKind.Examples, Text = JoinTexts(exampleMessages), IsStable = _options.ExamplesAreStable, TokenCount = CountMessages(exampleMessages) });
        }

        var turns = selection.Conversation.Select(i => context.Conversation[i]).ToArray();
        messages.AddRange(turns);
        if (turns.Length > 0)
        {
            sections.Add(new PromptSection { Kind = PromptSectionKind.Conversation, Text = JoinTexts(turns), TokenCount = CountMessages(turns) });
        }

        var chunks = selection.Context.Select(i => context.Context[i]).ToArray();
        if (chunks.Length > 0)
        {
            var rendered = PromptText.RenderContext(chunks);
            sections.Add(new PromptSection { Kind = PromptSectionKind.Context, Text = rendered, TokenCount = Count(rendered) });
        }

        sections.Add(new PromptSection { Kind = PromptSectionKind.Question, Text = context.Question, TokenCount = Count(context.Question) });
        messages.Add(new ChatMessage(ChatRole.User, PromptText.RenderQuestion(chunks, context.Question)));

        var stablePrefix = StablePrefixText(messages, stableCount);
        return new BuiltPrompt
        {
            Messages = messages,
            Sections = sections,
            IncludedExamples = examples,
            IncludedContext = chunks,
            StablePrefixHash = PromptText.Sha256Hex(stablePrefix),
            StablePrefixLength = stablePrefix.Length,
            StablePrefixTokenCount = _options.Tokenizer is null ? null : CountMessages(messages.Take(stableCount)),
            TokenCount = _options.Tokenizer is null ? null : CountMessages(messages) + _options.ReplyPrimingTokens,
        };
    }

    private void Fit(PromptContext context, string system, ChatMessage[] leadingSystem, Selection selection, PromptBudget budget)
    {
        var exampleCost = context.Examples.Select(e => CountMessage(e.Input) + CountMessage(e.Output)).ToArray();
        var chunkCost = context.Context.Select((c, i) => Count(PromptText.RenderContextEntry(i + 1, c))).ToArray();
        var turnCost = context.Conversation.Select(m => CountMessage(m.Text)).ToArray();

        // Each section first keeps its best-ranked items that fit its own limit.
        if (budget.MaxExampleTokens is { } exampleLimit)
        {
            selection.Examples = KeepBestThatFit(RankExamples(context.Examples, selection.Examples), exampleCost, exampleLimit, contiguous: false);
        }

        if (budget.MaxContextTokens is { } contextLimit)
        {
            selection.Context = KeepBestThatFit(selection.Context, chunkCost, contextLimit, contiguous: false);
        }

        if (budget.MaxConversationTokens is { } conversationLimit)
        {
            selection.Conversation = KeepBestThatFit([.. selection.Conversation.OrderByDescending(i => i)], turnCost, conversationLimit, contiguous: true);
        }

        if (budget.MaxTotalTokens is not { } total)
        {
            return;
        }

        var mandatory = (system.Length > 0 ? CountMessage(system) : 0) + leadingSystem.Sum(m => CountMessage(m.Text)) + CountMessage(context.Question) + _options.ReplyPrimingTokens;
        if (mandatory > total)
        {
            var breakdown = string.Join(", ", new[]
            {
                system.Length > 0 ? $"system, instructions and output format {CountMessage(system)}" : null,
                leadingSystem.Length > 0 ? $"caller system turns {leadingSystem.Sum(m => CountMessage(m.Text))}" : null,
                $"question {CountMessage(context.Question)}",
                $"reply priming {_options.ReplyPrimingTokens}",
            }.Where(p => p is not null));
            throw new PromptBudgetExceededException(mandatory, total, breakdown);
        }

        // Then, while the rendered prompt is over the total, sections give up their lowest-ranked item in drop order.
        while (Render(context, system, leadingSystem, selection).TokenCount > total)
        {
            if (!DropOne(context, selection, budget.DropOrder))
            {
                throw new PromptBudgetExceededException(mandatory, total, "with every droppable section emptied, the rendered prompt is still over budget");
            }
        }
    }

    private static bool DropOne(PromptContext context, Selection selection, IReadOnlyList<PromptSectionKind> order)
    {
        foreach (var kind in order)
        {
            switch (kind)
            {
                case PromptSectionKind.Examples when selection.Examples.Count > 0:
                    selection.Examples.Remove(RankExamples(context.Examples, selection.Examples)[^1]);
                    return true;
                case PromptSectionKind.Context when selection.Context.Count > 0:
                    selection.Context.RemoveAt(selection.Context.Count - 1);
                    return true;
                case PromptSectionKind.Conversation when selection.Conversation.Count > 0:
                    selection.Conversation.RemoveAt(0);
                    return true;
            }
        }

        return false;
    }

    /// <summary>Keeps items in rank order while they fit; with <paramref name="contiguous"/> stops at the first that does not. Returns them in original order.</summary>
    private static List<int> KeepBestThatFit(List<int> ranked, int[] cost, int limit, bool contiguous)
    {
        var kept = new List<int>();
        var used = 0;
        foreach (var i in ranked)
        {
            if (used + cost[i] <= limit)
            {
                kept.Add(i);
                used += cost[i];
            }
            else if (contiguous)
            {
                break;
            }
        }

        kept.Sort();
        return kept;
    }

    private int Count(string text) => _options.Tokenizer?.CountTokens(text) ?? 0;

    private int CountMessage(string text) => _options.TokensPerMessage + Count(text);

    private int CountMessages(IEnumerable<ChatMessage> messages) => messages.Sum(m => CountMessage(m.Text));

    private static string StablePrefixText(List<ChatMessage> messages, int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(messages[i].Role.Value).Append('\n').Append(messages[i].Text).Append('\n');
        }

        return text.ToString();
    }

    private static string JoinTexts(IEnumerable<ChatMessage> messages) => string.Join("\n", messages.Select(m => $"{m.Role}: {m.Text}"));

    /// <summary>Which examples, chunks and conversation turns (indices into the context's lists, in original order) are kept.</summary>
    private sealed class Selection(List<int> examples, List<int> context, List<int> conversation)
    {
        public List<int> Examples { get; set; } = examples;

        public List<int> Context { get; set; } = context;

        public List<int> Conversation { get; set; } = conversation;
    }
}
