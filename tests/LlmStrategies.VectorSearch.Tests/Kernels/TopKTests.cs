using LlmStrategies.VectorSearch.Kernels;

namespace LlmStrategies.VectorSearch.Tests.Kernels;

public sealed class TopKTests
{
    [TestCase(1)]
    [TestCase(3)]
    [TestCase(10)]
    [TestCase(64)]
    public void Keeps_the_best_with_ties_broken_by_smaller_slot(int k)
    {
        var random = new Random(k);
        for (var trial = 0; trial < 20; trial++)
        {
            var n = random.Next(0, 300);

            // Few distinct scores, so ties are common; offered in random slot order.
            var items = Enumerable.Range(0, n).Select(slot => (Score: (float)random.Next(0, 12), Slot: slot)).OrderBy(_ => random.Next()).ToArray();
            var scores = new float[k];
            var slots = new int[k];
            var top = new TopK(scores, slots, k);
            foreach (var (score, slot) in items)
            {
                top.Push(score, slot);
            }

            var count = top.SortDescending();
            var expected = items.OrderByDescending(i => i.Score).ThenBy(i => i.Slot).Take(k).ToArray();
            Assert.That(count, Is.EqualTo(expected.Length));
            Assert.That(slots.Take(count), Is.EqualTo(expected.Select(e => e.Slot)));
            Assert.That(scores.Take(count), Is.EqualTo(expected.Select(e => e.Score)));
        }
    }

    [Test]
    public void Resumed_heap_continues_where_it_stopped()
    {
        var scores = new float[5];
        var slots = new int[5];
        var first = new TopK(scores, slots, 5);
        for (var i = 0; i < 7; i++)
        {
            first.Push(i, i);
        }

        var second = new TopK(scores, slots, 5, first.Count);
        Assert.That(second.Threshold, Is.EqualTo(2f));
        second.Push(10, 10);
        second.Push(1, 11);
        second.SortDescending();
        Assert.That(slots, Is.EqualTo(new[] { 10, 6, 5, 4, 3 }));
    }
}
