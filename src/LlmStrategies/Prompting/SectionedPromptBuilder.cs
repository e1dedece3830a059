using System.Text;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Prompting;

/// <summary>
/// Renders a <see cref="PromptContext"/> into chat messages in a prefix-cache-friendly order: the stable system
/// section (system prompt, instructions, output format) first and byte-identical across calls, then worked examples
/// as user/assistant turns, the conversation, and last the variable part (numbered context passages and the question).
/// </summary>
/// <remarks>Thread-safe and stateless.</remarks>
public sealed class SectionedPromptBuilder : IPromptBuilder, IFingerprintable
{
    /// <summary>The version of the layout; part of the fingerprint so a layout change invalidates cached results.</summary>
    private const int LayoutVersion = 1;

    /// <inheritdoc/>
    public ValueTask<BuiltPrompt> BuildAsync(PromptContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(context.Question);
        cancellationToken.ThrowIfCancellationRequested();

        var sections = new List<PromptSection>();
        var messages = new List<ChatMessage>();

        var system = new StringBuilder();
        AppendStable(sections, system, PromptSectionKind.System, context.SystemPrompt);
        AppendStable(sections, system, PromptSectionKind.Instructions, context.Instructions);
        AppendStable(sections, system, PromptSectionKind.OutputFormat, context.OutputFormat);
        var stablePrefix = system.ToString();
        if (stablePrefix.Length > 0)
        {
            messages.Add(new ChatMessage(ChatRole.System, stablePrefix));
        }

        // System turns the caller put at the start of the conversation belong before the examples.
        var conversationStart = 0;
        while (conversationStart < context.Conversation.Count && context.Conversation[conversationStart].Role == ChatRole.System)
        {
            messages.Add(context.Conversation[conversationStart++]);
        }

        if (context.Examples.Count > 0)
        {
            var before = messages.Count;
            messages.AddRange(PromptText.RenderExamples(context.Examples));
            sections.Add(new PromptSection { Kind = PromptSectionKind.Examples, Text = JoinTexts(messages, before) });
        }

        if (conversationStart < context.Conversation.Count)
        {
            var before = messages.Count;
            for (var i = conversationStart; i < context.Conversation.Count; i++)
            {
                messages.Add(context.Conversation[i]);
            }

            sections.Add(new PromptSection { Kind = PromptSectionKind.Conversation, Text = JoinTexts(messages, before) });
        }

        if (context.Context.Count > 0)
        {
            sections.Add(new PromptSection { Kind = PromptSectionKind.Context, Text = PromptText.RenderContext(context.Context) });
        }

        sections.Add(new PromptSection { Kind = PromptSectionKind.Question, Text = context.Question });
        messages.Add(new ChatMessage(ChatRole.User, PromptText.RenderQuestion(context.Context, context.Question)));

        return ValueTask.FromResult(new BuiltPrompt
        {
            Messages = messages,
            Sections = sections,
            IncludedExamples = context.Examples,
            IncludedContext = context.Context,
            StablePrefixHash = PromptText.Sha256Hex(stablePrefix),
            StablePrefixLength = stablePrefix.Length,
        });
    }

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("layout", LayoutVersion);
    }

    private static void AppendStable(List<PromptSection> sections, StringBuilder system, PromptSectionKind kind, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        if (system.Length > 0)
        {
            system.Append("\n\n");
        }

        system.Append(text);
        sections.Add(new PromptSection { Kind = kind, Text = text, IsStable = true });
    }

    private static string JoinTexts(List<ChatMessage> messages, int from) =>
        string.Join("\n", messages.Skip(from).Select(m => $"{m.Role}: {m.Text}"));
}
