using System.Reflection;
using System.Text;
using System.Text.Json;

namespace LlmStrategies.Cli.Commands;

/// <summary>What <c>init</c> writes: a commented config (YAML or JSON), the JSON Schema, and a tiny knowledge-base dataset.</summary>
internal static class ExampleFiles
{
    public const string SchemaFileName = "llmstrategies.schema.json";
    public const string QuestionsPath = "data/questions.jsonl";
    public const string CorpusPath = "data/corpus.jsonl";

    // A fictional appliance catalogue: each document states three facts; each fact is one question with a short answer.
    private static readonly (string Id, string Product, (string Sentence, string Question, string Answer)[] Facts)[] Catalogue =
    [
        ("d1", "Aurora Kettle", [("The Aurora Kettle holds 1.7 litres of water.", "How much water does the Aurora Kettle hold?", "1.7 litres"), ("The Aurora Kettle boils a full load in about four minutes.", "How long does the Aurora Kettle take to boil a full load?", "four minutes"), ("The Aurora Kettle comes with a warranty of two years.", "How long is the warranty on the Aurora Kettle?", "two years")]),
        ("d2", "Borealis Toaster", [("The Borealis Toaster has six browning levels.", "How many browning levels does the Borealis Toaster have?", "six"), ("The Borealis Toaster draws 900 watts.", "How much power does the Borealis Toaster draw?", "900 watts"), ("The crumb tray of the Borealis Toaster slides out from the back.", "Where does the crumb tray of the Borealis Toaster slide out?", "from the back")]),
        ("d3", "Cirrus Blender", [("The Cirrus Blender jug is made of borosilicate glass.", "What is the Cirrus Blender jug made of?", "borosilicate glass"), ("The Cirrus Blender has a pulse button and three speeds.", "How many speeds does the Cirrus Blender have?", "three"), ("The blades of the Cirrus Blender are dishwasher safe.", "Can the blades of the Cirrus Blender go in the dishwasher?", "dishwasher safe")]),
        ("d4", "Delta Fan", [("The Delta Fan oscillates through 90 degrees.", "Through how many degrees does the Delta Fan oscillate?", "90 degrees"), ("The Delta Fan runs at 32 decibels on its lowest setting.", "How loud is the Delta Fan on its lowest setting?", "32 decibels"), ("The Delta Fan has a timer of up to eight hours.", "How long can the Delta Fan timer run?", "eight hours")]),
        ("d5", "Ember Heater", [("The Ember Heater switches off automatically when it tips over.", "What does the Ember Heater do when it tips over?", "switches off"), ("The Ember Heater warms a room of 20 square metres.", "How large a room does the Ember Heater warm?", "20 square metres"), ("The Ember Heater thermostat ranges from 5 to 35 degrees.", "What range does the Ember Heater thermostat cover?", "5 to 35 degrees")]),
        ("d6", "Fjord Fridge", [("The Fjord Fridge has a capacity of 310 litres.", "What is the capacity of the Fjord Fridge?", "310 litres"), ("The Fjord Fridge door can be hinged on either side.", "On which side can the Fjord Fridge door be hinged?", "either side"), ("The Fjord Fridge has an energy rating of class B.", "What energy rating does the Fjord Fridge have?", "class B")]),
        ("d7", "Glacier Ice Maker", [("The Glacier Ice Maker makes nine cubes every eight minutes.", "How many cubes does the Glacier Ice Maker make per batch?", "nine"), ("The Glacier Ice Maker water tank holds 2 litres.", "How much does the Glacier Ice Maker water tank hold?", "2 litres"), ("The Glacier Ice Maker cleans itself with a self-cleaning cycle.", "How does the Glacier Ice Maker clean itself?", "self-cleaning cycle")]),
        ("d8", "Harbor Vacuum", [("The Harbor Vacuum battery lasts 45 minutes.", "How long does the Harbor Vacuum battery last?", "45 minutes"), ("The Harbor Vacuum weighs 2.4 kilograms.", "How much does the Harbor Vacuum weigh?", "2.4 kilograms"), ("The Harbor Vacuum filter is washable.", "Can the Harbor Vacuum filter be washed?", "washable")]),
    ];

    public static string Corpus()
    {
        var lines = new StringBuilder();
        foreach (var (id, product, facts) in Catalogue)
        {
            lines.Append(Json(w =>
            {
                w.WriteString("_id", id);
                w.WriteString("title", product);
                w.WriteString("text", string.Join(' ', facts.Select(f => f.Sentence)));
            })).Append('\n');
        }

        return lines.ToString();
    }

    public static string Questions()
    {
        var lines = new StringBuilder();
        var n = 0;
        foreach (var (id, product, facts) in Catalogue)
        {
            foreach (var (_, question, answer) in facts)
            {
                n++;
                lines.Append(Json(w =>
                {
                    w.WriteString("id", FormattableString.Invariant($"q{n:D2}"));
                    w.WriteString("input", question);
                    w.WriteStartArray("expected");
                    w.WriteStringValue(answer);
                    w.WriteEndArray();
                    w.WriteString("label", product);
                    w.WriteStartObject("relevant");
                    w.WriteNumber(id, 1);
                    w.WriteEndObject();
                })).Append('\n');
            }
        }

        return lines.ToString();
    }

    public static string Schema()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(SchemaFileName)
            ?? throw new InvalidOperationException($"The embedded resource {SchemaFileName} is missing from the tool; reinstall it.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static string Yaml(string name) => $$"""
        # yaml-language-server: $schema=./{{SchemaFileName}}
        # llmstrategies config. Run:  llmstrategies eval -c llmstrategies.yaml
        # Relative paths are relative to this file. Reference: the LlmStrategies.Cli package README.
        version: 1
        name: {{name}}
        seed: 42                       # splits, samples, bootstrap and random selectors all follow it
        output: artifacts/llmstrategies   # reports, split manifest, response cache (a rerun resumes from it)

        dataset:
          path: {{QuestionsPath}}      # JSONL, CSV, SQuAD .json or a BEIR folder (format: auto|jsonl|csv|squad|beir)
          corpus: {{CorpusPath}}       # documents for RAG: {"_id": ..., "title": ..., "text": ...} per line
          split: { train: 0.4, dev: 0.2, test: 0.4 }   # few-shot examples come from train, tune uses dev, eval scores test
          # sample: 200                # score a seeded sample of the test split instead of all of it

        models:
          - name: baseline
            provider: baseline         # offline, deterministic; NOT a language model: the floor a real model must beat
          # - name: gpt-4o-mini
          #   provider: openai         # any OpenAI-compatible endpoint (vLLM, llama.cpp server, LM Studio...)
          #   model: gpt-4o-mini
          #   apiKeyEnv: OPENAI_API_KEY
          #   price: { input: 0.15, cachedInput: 0.075, output: 0.60 }   # per one million tokens
          # - name: llama
          #   provider: ollama
          #   model: llama3.2
          #   endpoint: http://localhost:11434

        instructions: Answer the question in one short sentence. When context is given, use only the context and cite it like [1].

        strategies:                    # every strategy runs with every model (a models x strategies grid)
          - name: prompt-only
          - name: few-shot
            fewShot: { examples: 3, selector: lexical }    # fixed | random | lexical | semantic | mmr
          - name: rag-bm25
            rag: { retriever: bm25, top: 3 }               # bm25 | vector | hybrid (vector and hybrid use the local embedding model)
          - name: few-shot+rag-bm25
            fewShot: { examples: 3, selector: lexical }
            rag: { retriever: bm25, top: 3 }
          # - name: tuned
          #   tuned: artifacts/llmstrategies/tuned.json    # written by: llmstrategies tune -c llmstrategies.yaml

        evaluators: [contains, squad, retrieval@3, latency-cost]   # also: exact-match
        primaryMetric: Contains Answer   # the metric the recommendation, the gate and the JUnit items use

        run:
          parallelism: 4
          repeats: 1
          # budget: 1.00               # stop before spending more (needs a price for every paid model)
          cache: true

        gate:
          tolerance: 0.01              # a drop smaller than this never fails
          alpha: 0.05                  # significance level of the paired test
          itemPassScore: 0.5           # items scoring below this are failing JUnit test cases

        tune:                          # llmstrategies tune: searches these settings on the dev split
          model: baseline
          method: grid                 # grid | random (with samples: N) | halving
          space:
            strategy: [few-shot, rag, few-shot+rag]
            retriever: [bm25]
            top: [1, 3]
            examples: [1, 3]
            selector: [fixed, lexical]
        """ + "\n";

    public static string JsonConfig(string name) => $$"""
        {
          "$schema": "./{{SchemaFileName}}",
          "version": 1,
          "name": "{{name}}",
          "seed": 42,
          "output": "artifacts/llmstrategies",
          "dataset": { "path": "{{QuestionsPath}}", "corpus": "{{CorpusPath}}", "split": { "train": 0.4, "dev": 0.2, "test": 0.4 } },
          "models": [ { "name": "baseline", "provider": "baseline" } ],
          "strategies": [
            { "name": "prompt-only" },
            { "name": "few-shot", "fewShot": { "examples": 3, "selector": "lexical" } },
            { "name": "rag-bm25", "rag": { "retriever": "bm25", "top": 3 } },
            { "name": "few-shot+rag-bm25", "fewShot": { "examples": 3, "selector": "lexical" }, "rag": { "retriever": "bm25", "top": 3 } }
          ],
          "evaluators": [ "contains", "squad", "retrieval@3", "latency-cost" ],
          "primaryMetric": "Contains Answer",
          "run": { "parallelism": 4, "cache": true },
          "gate": { "tolerance": 0.01, "alpha": 0.05, "itemPassScore": 0.5 },
          "tune": { "model": "baseline", "method": "grid", "space": { "strategy": [ "few-shot", "rag", "few-shot+rag" ], "retriever": [ "bm25" ], "top": [ 1, 3 ], "examples": [ 1, 3 ], "selector": [ "fixed", "lexical" ] } }
        }
        """ + "\n";

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
