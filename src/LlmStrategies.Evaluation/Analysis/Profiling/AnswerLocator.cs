namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// Finds the corpus documents that contain an answer the way <see cref="ContainsEvaluator"/> scores: the SQuAD-normalised
/// answer as a run of whole words of the SQuAD-normalised document. An inverted index (word → documents) narrows the
/// candidates to the documents holding the answer's rarest word, so the check costs a few substring searches per
/// answer instead of one per document.
/// </summary>
internal sealed class AnswerLocator
{
    private readonly IReadOnlyList<SourceDocument> _documents;
    private readonly string[] _haystacks;
    private readonly Dictionary<string, List<int>> _postings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byId = new(StringComparer.Ordinal);

    public AnswerLocator(IReadOnlyList<SourceDocument> documents)
    {
        _documents = documents;
        _haystacks = new string[documents.Count];
        for (var d = 0; d < documents.Count; d++)
        {
            _byId.TryAdd(documents[d].Id, d);
            var normalized = SquadText.Normalize(documents[d].Text);
            _haystacks[d] = " " + normalized + " ";
            foreach (var word in normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal))
            {
                if (!_postings.TryGetValue(word, out var list))
                {
                    _postings[word] = list = [];
                }

                list.Add(d);
            }
        }
    }

    public bool HasDocument(string id) => _byId.ContainsKey(id);

    /// <summary>The documents (corpus order) that contain at least one of the normalised answers.</summary>
    public List<int> DocumentsContaining(IReadOnlyList<string> normalizedAnswers)
    {
        var found = new SortedSet<int>();
        foreach (var answer in normalizedAnswers)
        {
            var words = answer.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }

            List<int>? rarest = null;
            foreach (var word in words)
            {
                if (!_postings.TryGetValue(word, out var list))
                {
                    rarest = null;
                    break;
                }

                if (rarest is null || list.Count < rarest.Count)
                {
                    rarest = list;
                }
            }

            if (rarest is null)
            {
                continue;
            }

            var needle = " " + answer + " ";
            foreach (var d in rarest)
            {
                if (!found.Contains(d) && _haystacks[d].Contains(needle, StringComparison.Ordinal))
                {
                    found.Add(d);
                }
            }
        }

        return [.. found];
    }

    /// <summary>Whether the document with <paramref name="id"/> contains one of the normalised answers; <see langword="null"/> when the corpus has no such document.</summary>
    public bool? Contains(string id, IReadOnlyList<string> normalizedAnswers)
    {
        if (!_byId.TryGetValue(id, out var d))
        {
            return null;
        }

        return normalizedAnswers.Any(a => a.Length > 0 && _haystacks[d].Contains(" " + a + " ", StringComparison.Ordinal));
    }

    public string IdOf(int document) => _documents[document].Id;
}
