using System.Globalization;
using LlmStrategies.Experiments;
using LlmStrategies.FineTuning;
using LlmStrategies.FineTuning.TrainingData;
using LlmStrategies.Prompting;

namespace FineTuningSample;

/// <summary>
/// The hosted fine-tuning workflow up to the point where something would be sent: export the train split (test items
/// refused), validate the file, estimate the training cost, and work out the call volume at which a fine-tuned model
/// with a short prompt would pay back its training against a RAG prompt.
/// </summary>
internal static class Walkthrough
{
    public static void Run(TextWriter output, decimal trainingPricePerMillion)
    {
        var folder = Path.Combine(Path.GetTempPath(), "llmstrategies-fine-tuning-sample");
        var path = Path.Combine(folder, "train.jsonl");

        output.WriteLine("1. Export the train split as chat JSONL, checking every input against the test inputs.");
        var exporter = new TrainingDataExporter(new TrainingDataExportOptions { SystemPrompt = SupportData.SystemPrompt });
        try
        {
            exporter.Export(SupportData.Train, SupportData.TestInputs, path);
        }
        catch (TrainingDataLeakageException ex)
        {
            output.WriteLine($"   Refused: {ex.Message}");
        }

        var export = new TrainingDataExporter(new TrainingDataExportOptions { SystemPrompt = SupportData.SystemPrompt, ExcludeLeakedExamples = true })
            .Export(SupportData.Train, SupportData.TestInputs, path);
        output.WriteLine($"   With ExcludeLeakedExamples: wrote {export.ExampleCount} examples to {export.Path}, left out {string.Join(", ", export.ExcludedLeaks.Select(l => l.ExampleId))}.");
        output.WriteLine();

        output.WriteLine("2. Validate the file before uploading it.");
        var report = new TrainingDataValidator().Validate(export.Path);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {report.ValidExampleCount} valid examples, {report.TotalTokens:N0} tokens ({report.TokenizerName}): {report.MinExampleTokens} to {report.MaxExampleTokens} per example, mean {report.MeanExampleTokens:F1}."));
        foreach (var warning in report.Warnings)
        {
            output.WriteLine($"   {warning}");
        }

        var broken = Path.Combine(folder, "broken.jsonl");
        File.WriteAllLines(broken,
        [
            File.ReadLines(export.Path).First(),
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"  \"}]}",
            "{\"messages\":[{\"role\":\"customer\",\"content\":\"Where is my order?\"},{\"role\":\"assistant\",\"content\":\"On its way.\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}",
            File.ReadLines(export.Path).First(),
        ]);
        var brokenReport = new TrainingDataValidator().Validate(broken);
        output.WriteLine($"   A hand-edited file shows what the errors look like ({brokenReport.Errors.Count()} errors):");
        foreach (var issue in brokenReport.Issues)
        {
            output.WriteLine($"   {issue}");
        }

        output.WriteLine();
        output.WriteLine("3. Estimate the training cost before anything is sent.");
        var estimate = TrainingCostEstimate.For(report, trainingPricePerMillion);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {estimate.TokensPerEpoch:N0} tokens × {estimate.Epochs} epochs{(estimate.EpochsChosenAutomatically ? " (the provider's automatic choice for this many examples)" : string.Empty)} = {estimate.BillableTokens:N0} billable tokens × {estimate.PricePerMillionTokens} per 1M = {estimate.Cost:0.####}."));
        output.WriteLine($"   (The training price is an input, --training-price; check your provider's current price list.)");
        output.WriteLine();

        output.WriteLine("4. Per-call savings and break-even, with the real token counts of both prompts.");
        var tokenizer = PromptTokenizers.O200kBase;
        var question = SupportData.TestInputs[1];
        var ragPrompt = $"{SupportData.SystemPrompt}\nAnswer from these help-centre passages and cite them as [n].\n{string.Join('\n', SupportData.RetrievedPassages.Select((p, i) => $"[{i + 1}] {p}"))}\nQuestion: {question}";
        var fineTunedPrompt = $"{SupportData.SystemPrompt}\n{question}";
        var answerTokens = SupportData.Train.Average(e => tokenizer.CountTokens(e.Output));
        var rag = new TokensPerCall(tokenizer.CountTokens(ragPrompt), answerTokens);
        var fineTuned = new TokensPerCall(tokenizer.CountTokens(fineTunedPrompt), answerTokens);

        // Illustrative prices per 1M tokens (input, cached input, output); hosted fine-tuned models typically cost about
        // twice their base model per token. Replace them with your provider's current prices.
        var basePrices = new ModelPrice(0.15m, 0.075m, 0.60m);
        var fineTunedPrices = new ModelPrice(0.30m, 0.15m, 1.20m);
        var ragCost = rag.CostAt(basePrices);
        var fineTunedCost = fineTuned.CostAt(fineTunedPrices);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   RAG prompt {rag.InputTokens} tokens at base-model prices: {ragCost:0.########} per call."));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   Fine-tuned prompt {fineTuned.InputTokens} tokens at fine-tuned prices: {fineTunedCost:0.########} per call (answers {answerTokens:F0} tokens in both)."));
        var saving = ragCost - fineTunedCost;
        output.WriteLine(saving > 0
            ? string.Create(CultureInfo.InvariantCulture, $"   Saving {saving:0.########} per call: {estimate.Cost / saving:N0} calls pay back one training run.")
            : "   The fine-tuned model saves nothing per call, so its training never pays back on cost alone.");
        output.WriteLine("   The go/no-go also needs the quality of both strategies on the same test items: FineTuningAdvisor.Decide takes their");
        output.WriteLine("   per-item scores, these costs, the call volume and how often the base model changes (each change means re-training).");
        output.WriteLine();
        output.WriteLine("5. A real, measured fine-tune that runs here, with the advisor's decision on its measured quality:");
        output.WriteLine("   an embedding adapter trained on SQuAD (../shared/data) and evaluated on held-out articles:");
        output.WriteLine("   dotnet run -c Release --project samples/FineTuning -- adapter");
    }
}
