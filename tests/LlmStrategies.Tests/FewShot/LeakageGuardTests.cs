using LlmStrategies.FewShot;

namespace LlmStrategies.Tests.FewShot;

public class LeakageGuardTests
{
    private readonly LeakageGuard _guard = new();

    [TestCase("How long is the warranty?", "How long is the warranty?")]
    [TestCase("How long is the warranty?", "  how LONG is the warranty ")]
    [TestCase("How long is the warranty on the X200 router?", "How long is the warranty on the X200 routers?")]
    public void BlocksIdenticalAndNearIdenticalInputs(string input, string example)
    {
        Assert.That(_guard.IsLeak(input, example), Is.True);
    }

    [TestCase("How long is the warranty?", "How long does shipping take?")]
    [TestCase("What does the Aurora X3 cost?", "What does the Pebble cost?")]
    public void AllowsDifferentInputs(string input, string example)
    {
        Assert.That(_guard.IsLeak(input, example), Is.False);
    }

    [Test]
    public void ThresholdOne_BlocksOnlyExactDuplicatesAfterNormalisation()
    {
        var strict = new LeakageGuard(1.0);

        Assert.Multiple(() =>
        {
            Assert.That(strict.IsLeak("Warranty?", "warranty"), Is.True);
            Assert.That(strict.IsLeak("How long is the warranty on the X200 router?", "How long is the warranty on the X200 routers?"), Is.False);
            Assert.That(() => new LeakageGuard(0), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }
}
