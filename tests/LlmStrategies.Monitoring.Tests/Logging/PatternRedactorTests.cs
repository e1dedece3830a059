using LlmStrategies.Monitoring.Logging;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;

namespace LlmStrategies.Tests.Monitoring.Logging;

public class PatternRedactorTests
{
    [TestCase("Mail me at jane.doe+router@example.co.uk please", "Mail me at [email] please")]
    [TestCase("Call +49 30 1234 5678 or (555) 123-4567.", "Call [phone] or [phone].")]
    [TestCase("my key is sk-proj-AbCdEfGhIjKlMnOpQrStUv123", "my key is [secret]")]
    [TestCase("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def", "Authorization: Bearer [secret]")]
    [TestCase("AWS AKIAIOSFODNN7EXAMPLE leaked", "AWS [secret] leaked")]
    [TestCase("How long is the warranty on the X200 router, 2 years?", "How long is the warranty on the X200 router, 2 years?")]
    public void RedactsPersonalDataAndSecrets_AndKeepsTheRest(string text, string expected)
    {
        Assert.That(new PatternRedactor().Redact(text), Is.EqualTo(expected));
    }

    [Test]
    public void IsWhatTheRedactorProviderGivesForPromptContent_AfterAddLlmContentRedaction()
    {
        using var services = new ServiceCollection().AddLlmContentRedaction().BuildServiceProvider();

        var redactor = services.GetRequiredService<IRedactorProvider>().GetRedactor(new DataClassificationSet(LlmDataClassifications.PromptContent));

        Assert.That(redactor.Redact("write to a@b.io"), Is.EqualTo("write to [email]"));
    }
}
