using LlmStrategies;

namespace LlmStrategies.Abstractions.Tests.Validation;

public class ValidationOutcomeTests
{
    [Test]
    public void Valid_HasNoErrors()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ValidationOutcome.Valid.IsValid, Is.True);
            Assert.That(ValidationOutcome.Valid.Errors, Is.Empty);
        });
    }

    [Test]
    public void Combine_KeepsEveryErrorInOrder()
    {
        var combined = ValidationOutcome.Combine([
            ValidationOutcome.Invalid("a", "first"),
            ValidationOutcome.Valid,
            ValidationOutcome.Invalid(new ValidationError("b", "second"), new ValidationError("c", "third")),
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(combined.IsValid, Is.False);
            Assert.That(combined.Errors.Select(e => e.Message), Is.EqualTo(new[] { "first", "second", "third" }));
            Assert.That(combined.ToString(), Is.EqualTo("a: first; b: second; c: third"));
        });
    }

    [Test]
    public void Combine_OfValidOutcomes_IsValid()
    {
        Assert.That(ValidationOutcome.Combine([ValidationOutcome.Valid, ValidationOutcome.Valid]).IsValid, Is.True);
    }

    [Test]
    public void Invalid_NeedsAtLeastOneError()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => ValidationOutcome.Invalid(), Throws.ArgumentException.With.Message.Contains("at least one error"));
            Assert.That(() => new ValidationError("", "m"), Throws.ArgumentException);
            Assert.That(() => new ValidationError("s", " "), Throws.ArgumentException);
        });
    }
}
