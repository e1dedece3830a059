using System.Runtime.CompilerServices;
using LlmStrategies.Retrieval.Analysis;

namespace LlmStrategies.Retrieval.Keyword;

/// <content>Search: query terms and BM25 scoring with MaxScore dynamic pruning (callers hold the read lock).</content>
public sealed partial class Bm25Index
{

    private int CollectQueryTerms(ReadOnlySpan<char> query, Bm25SearchScratch scratch)
    {
        var text = EnglishTextAnalyzer.Normalize(query, ref scratch.Normalized);
        var terms = new EnglishTextAnalyzer.TermEnumerator(_analyzer, text, scratch.Token);
        var count = 0;
        while (terms.MoveNext())
        {
            if (!_termLookup.TryGetValue(terms.Current, out var id))
            {
                continue;
            }

            var seen = scratch.TermIds.AsSpan(0, count).IndexOf(id);
            if (seen >= 0)
            {
                scratch.QueryFrequency[seen]++;
                continue;
            }

            scratch.EnsureTerms(count + 1);
            scratch.TermIds[count] = id;
            scratch.QueryFrequency[count] = 1;
            count++;
        }

        return count;
    }

    private int Score(Bm25SearchScratch scratch, int termCount, bool[]? allowed, Span<KeywordHit> results)
    {
        var live = OpenCursors(scratch, termCount, out var lengthBase, out var lengthScale);
        if (live == 0)
        {
            return 0;
        }

        scratch.EnsureHeap(results.Length);
        var heap = new ScoredSlotHeap(scratch.HeapScores, scratch.HeapSlots, results.Length);
        RunMaxScore(scratch, live, allowed, lengthBase, lengthScale, ref heap);
        var found = heap.DrainDescending();
        for (var i = 0; i < found; i++)
        {
            results[i] = new KeywordHit(_chunks[scratch.HeapSlots[i]]!, scratch.HeapScores[i]);
        }

        return found;
    }

    /// <summary>
    /// Opens a cursor per query term that occurs in a live chunk, with the term's weight and score upper bound, sorted
    /// by bound, and the prefix sums of the bounds; returns how many. Length normalisation
    /// k1 · (1 − b + b · dl / avgdl) is <paramref name="lengthBase"/> + <paramref name="lengthScale"/> · dl.
    /// </summary>
    private int OpenCursors(Bm25SearchScratch scratch, int termCount, out double lengthBase, out double lengthScale)
    {
        var n = (double)_liveCount;
        var averageLength = Math.Max(1e-9, _totalLength / n);
        lengthBase = _k1 * (1 - _b);
        lengthScale = _k1 * _b / averageLength;
        var cursors = scratch.Cursors;
        var live = 0;
        for (var t = 0; t < termCount; t++)
        {
            var postings = _postings[scratch.TermIds[t]];
            var df = postings.DocumentFrequency;
            if (df <= 0)
            {
                continue;
            }

            var idf = Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
            var weight = idf * (_k1 + 1) * scratch.QueryFrequency[t];

            // The term score grows with tf and shrinks with dl, so the list's largest tf over its shortest length bounds it.
            var upperBound = weight * postings.MaxFrequency / (postings.MaxFrequency + lengthBase + (lengthScale * postings.MinLength));
            cursors[live++] = new PostingCursor(postings, weight, upperBound);
        }

        // MaxScore: order terms by upper bound; prefix sums tell which terms alone cannot reach the threshold.
        var span = cursors.AsSpan(0, live);
        span.Sort(static (x, y) => x.UpperBound.CompareTo(y.UpperBound));
        var prefix = scratch.PrefixBounds;
        var sum = 0.0;
        for (var t = 0; t < live; t++)
        {
            // Inflated by a relative 1e-9 so that rounding in the per-document arithmetic can never make pruning unsafe.
            sum += span[t].UpperBound;
            prefix[t] = sum * (1 + 1e-9);
        }

        return live;
    }

    /// <summary>
    /// Document-at-a-time over the essential terms (those whose bounds, with the stronger ones, can still reach the
    /// threshold); the others are only probed for candidates the essential ones produced.
    /// </summary>
    private void RunMaxScore(Bm25SearchScratch scratch, int live, bool[]? allowed, double lengthBase, double lengthScale, ref ScoredSlotHeap heap)
    {
        var span = scratch.Cursors.AsSpan(0, live);
        var prefix = scratch.PrefixBounds;
        var chunks = _chunks;
        var lengths = _lengths;
        var essential = 0;
        while (true)
        {
            // The next candidate is the smallest current document among the essential terms.
            var doc = int.MaxValue;
            for (var t = essential; t < live; t++)
            {
                doc = Math.Min(doc, span[t].Document);
            }

            if (doc == int.MaxValue)
            {
                return;
            }

            if (chunks[doc] is null || (allowed is not null && !allowed[doc]))
            {
                for (var t = essential; t < live; t++)
                {
                    span[t].SkipPast(doc);
                }

                continue;
            }

            var norm = lengthBase + (lengthScale * lengths[doc]);
            if (TryScore(scratch, live, essential, doc, norm, ref heap, out var score) && heap.TryInsert(score, doc) && heap.IsFull && Pruning)
            {
                while (essential < live && prefix[essential] <= heap.Threshold)
                {
                    essential++;
                }
            }
        }
    }

    /// <summary>
    /// Scores <paramref name="doc"/>: the essential terms (advancing their cursors), then the others strongest first
    /// while they can still lift it above the threshold. Returns false when it cannot enter the heap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryScore(Bm25SearchScratch scratch, int live, int essential, int doc, double norm, ref ScoredSlotHeap heap, out double score)
    {
        var span = scratch.Cursors.AsSpan(0, live);
        var prefix = scratch.PrefixBounds;
        var contributions = scratch.Contributions;
        score = 0.0;
        contributions.AsSpan(0, live).Clear();
        for (var t = essential; t < live; t++)
        {
            ref var cursor = ref span[t];
            if (cursor.Document == doc)
            {
                var tf = (double)cursor.Frequency;
                score += contributions[t] = cursor.Weight * tf / (tf + norm);
                cursor.Next();
            }
        }

        for (var t = essential - 1; t >= 0; t--)
        {
            if (Pruning && heap.IsFull && score + prefix[t] <= heap.Threshold)
            {
                return false;
            }

            ref var cursor = ref span[t];
            if (cursor.SeekTo(doc))
            {
                var tf = (double)cursor.Frequency;
                score += contributions[t] = cursor.Weight * tf / (tf + norm);
            }
        }

        // Sum in a fixed term order, so a document's score does not depend on when pruning started (exact ties stay ties).
        score = 0.0;
        for (var t = 0; t < live; t++)
        {
            score += contributions[t];
        }

        return true;
    }
}
