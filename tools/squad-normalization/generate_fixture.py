#!/usr/bin/env python3
"""Writes the test fixture of SquadText: strings and their normalize_answer() from the official SQuAD v1.1 script,
computed by Python itself. With --sweep FILE it writes instead one line per code point (every code point outside the
surrogates, in four contexts) for the full sweep (tests: set LLMSTRATEGIES_SQUAD_SWEEP=FILE).
Usage: python3 tools/squad-normalization/generate_fixture.py [--sweep /tmp/squad-sweep.jsonl]
"""
import json, random, re, string, sys, os

def normalize_answer(s):  # verbatim from evaluate-v1.1.py
    def remove_articles(text):
        return re.sub(r'\b(a|an|the)\b', ' ', text)
    def white_space_fix(text):
        return ' '.join(text.split())
    def remove_punc(text):
        exclude = set(string.punctuation)
        return ''.join(ch for ch in text if ch not in exclude)
    def lower(text):
        return text.lower()
    return white_space_fix(remove_articles(remove_punc(lower(s))))

def contexts(c):
    return [c, 'The ' + c + ' answer', 'a' + c + 'the' + c + 'an', 'ΟΔΟ' + c + 'Σ ΑΣ' + c]

def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
    if len(sys.argv) == 3 and sys.argv[1] == '--sweep':
        with open(sys.argv[2], 'w', encoding='utf-8') as f:
            for cp in range(0x110000):
                if 0xD800 <= cp <= 0xDFFF:
                    continue
                for text in contexts(chr(cp)):
                    f.write(json.dumps({'text': text, 'normalized': normalize_answer(text)}) + '\n')
        print('wrote', sys.argv[2])
        return
    cases = [
        # The four classes where a .NET-style normalisation differed from the script (issue 14, item 7).
        'ΟΔΟΣ', 'ΟΔΟΣ ΚΑΙ ΣΟΦΙΑ', 'ΑΣ.', "ΑΣ'Α", 'Σ', 'ΑΣΑ',            # Greek final sigma
        'İstanbul', 'İ', 'THE İ',                                          # U+0130
        '²the', 'the½', 'Ⅻan', '𝐀the', 'the𝐀', 'x_the', 'the_', 'the\u0301', # word boundaries for a/an/the
        'a\x1cthe\x1db\x1ec\x1fd', 'one\x85two\xa0three\u3000four',        # Python whitespace
        'The answer is (a) 42.', '  an  apple, the end ', 'Ünïcödé Straße', 'ΣΊΣΥΦΟΣ', 'ǅemal', 'ﬁnal Ω', 'ΪΣ',
    ]
    rng = random.Random(20261204)
    pool = [chr(c) for c in list(range(0x20, 0x250)) + list(range(0x370, 0x400)) + list(range(0x2000, 0x2070)) + list(range(0x2150, 0x2190))
            + [0x1C, 0x1D, 0x1E, 0x1F, 0x85, 0x130, 0x3A3, 0x1D400, 0x1D41A, 0x10400, 0x10428, 0xB2, 0xBD, 0x307, 0x301, 0x5F]]
    words = ['a', 'an', 'the', 'The', 'AN', 'THE', 'Σ', 'ΑΣ', 'İ']
    for _ in range(3000):
        parts = [rng.choice(words) if rng.random() < 0.3 else ''.join(rng.choice(pool) for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(1, 6))]
        cases.append(''.join(p + rng.choice([' ', '', '\t', '\x1f', '.', '_']) for p in parts))
    target = os.path.join(root, 'tests', 'LlmStrategies.Evaluation.Tests', 'Fixtures', 'squad-normalization.jsonl')
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, 'w', encoding='utf-8', newline='\n') as f:
        for text in cases:
            f.write(json.dumps({'text': text, 'normalized': normalize_answer(text), 'tokens': normalize_answer(text).split()}) + '\n')
    print(f'wrote {target}: {len(cases)} strings (seed 20261204)')

if __name__ == '__main__':
    main()
