namespace LlmStrategies.Retrieval.Analysis;

/// <summary>
/// The Porter stemming algorithm (M.F. Porter, 1980, "An algorithm for suffix stripping", Program 14(3) 130-137),
/// following the reference C implementation from tartarus.org including its two documented departures
/// ("-bli" → "-ble" instead of "-abli" → "-able", and "-logi" → "-log"), which is also what Lucene's
/// PorterStemFilter implements. It stems lowercase words in place and allocates nothing.
/// </summary>
public static class PorterStemmer
{
    /// <summary>Stems a lowercase word.</summary>
    /// <param name="word">The word.</param>
    /// <returns>The stem.</returns>
    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var buffer = word.ToCharArray();
        var length = Stem(buffer);
        var stem = buffer.AsSpan(0, length);
        return stem.SequenceEqual(word) ? word : new string(stem);
    }

    /// <summary>Stems a lowercase word in place.</summary>
    /// <param name="word">The word; its first characters are overwritten by the stem.</param>
    /// <returns>The length of the stem.</returns>
    public static int Stem(Span<char> word)
    {
        // Words of one or two letters are left alone (a departure of the reference implementation, kept by Lucene).
        if (word.Length <= 2)
        {
            return word.Length;
        }

        var z = new State(word);
        z.Step1AB();
        if (z.K > 0)
        {
            z.Step1C();
            z.Step2();
            z.Step3();
            z.Step4();
            z.Step5();
        }

        return z.K + 1;
    }

    /// <summary>The reference implementation's variables: b (the word), k (index of its last letter) and j (a general offset).</summary>
    private ref struct State(Span<char> b)
    {
        private readonly Span<char> _b = b;
        private int _j;

        public int K { get; private set; } = b.Length - 1;

        public void Step1AB()
        {
            if (_b[K] == 's')
            {
                if (Ends("sses"))
                {
                    K -= 2;
                }
                else if (Ends("ies"))
                {
                    SetTo("i");
                }
                else if (_b[K - 1] != 's')
                {
                    K--;
                }
            }

            if (Ends("eed"))
            {
                if (Measure() > 0)
                {
                    K--;
                }
            }
            else if ((Ends("ed") || Ends("ing")) && VowelInStem())
            {
                K = _j;
                if (Ends("at"))
                {
                    SetTo("ate");
                }
                else if (Ends("bl"))
                {
                    SetTo("ble");
                }
                else if (Ends("iz"))
                {
                    SetTo("ize");
                }
                else if (DoubleConsonant(K))
                {
                    K--;
                    var ch = _b[K];
                    if (ch is 'l' or 's' or 'z')
                    {
                        K++;
                    }
                }
                else if (Measure() == 1 && ConsonantVowelConsonant(K))
                {
                    SetTo("e");
                }
            }
        }

        public void Step1C()
        {
            if (Ends("y") && VowelInStem())
            {
                _b[K] = 'i';
            }
        }

        public void Step2()
        {
            switch (_b[K - 1])
            {
                case 'a':
                    _ = Replace("ational", "ate") || Replace("tional", "tion");
                    break;
                case 'c':
                    _ = Replace("enci", "ence") || Replace("anci", "ance");
                    break;
                case 'e':
                    _ = Replace("izer", "ize");
                    break;
                case 'l':
                    _ = Replace("bli", "ble") || Replace("alli", "al") || Replace("entli", "ent") || Replace("eli", "e") || Replace("ousli", "ous");
                    break;
                case 'o':
                    _ = Replace("ization", "ize") || Replace("ation", "ate") || Replace("ator", "ate");
                    break;
                case 's':
                    _ = Replace("alism", "al") || Replace("iveness", "ive") || Replace("fulness", "ful") || Replace("ousness", "ous");
                    break;
                case 't':
                    _ = Replace("aliti", "al") || Replace("iviti", "ive") || Replace("biliti", "ble");
                    break;
                case 'g':
                    _ = Replace("logi", "log");
                    break;
            }
        }

        public void Step3()
        {
            switch (_b[K])
            {
                case 'e':
                    _ = Replace("icate", "ic") || Replace("ative", string.Empty) || Replace("alize", "al");
                    break;
                case 'i':
                    _ = Replace("iciti", "ic");
                    break;
                case 'l':
                    _ = Replace("ical", "ic") || Replace("ful", string.Empty);
                    break;
                case 's':
                    _ = Replace("ness", string.Empty);
                    break;
            }
        }

        public void Step4()
        {
            var matched = _b[K - 1] switch
            {
                'a' => Ends("al"),
                'c' => Ends("ance") || Ends("ence"),
                'e' => Ends("er"),
                'i' => Ends("ic"),
                'l' => Ends("able") || Ends("ible"),
                'n' => Ends("ant") || Ends("ement") || Ends("ment") || Ends("ent"),
                'o' => (Ends("ion") && _j >= 0 && _b[_j] is 's' or 't') || Ends("ou"),
                's' => Ends("ism"),
                't' => Ends("ate") || Ends("iti"),
                'u' => Ends("ous"),
                'v' => Ends("ive"),
                'z' => Ends("ize"),
                _ => false,
            };
            if (matched && Measure() > 1)
            {
                K = _j;
            }
        }

        public void Step5()
        {
            _j = K;
            if (_b[K] == 'e')
            {
                var a = Measure();
                if (a > 1 || (a == 1 && !ConsonantVowelConsonant(K - 1)))
                {
                    K--;
                }
            }

            if (_b[K] == 'l' && DoubleConsonant(K) && Measure() > 1)
            {
                K--;
            }
        }

        private readonly bool IsConsonant(int i) => _b[i] switch
        {
            'a' or 'e' or 'i' or 'o' or 'u' => false,
            'y' => i == 0 || !IsConsonant(i - 1),
            _ => true,
        };

        /// <summary>The number of consonant sequences in b[0..j]: [C](VC)^m[V] gives m.</summary>
        private readonly int Measure()
        {
            var n = 0;
            var i = 0;
            while (true)
            {
                if (i > _j)
                {
                    return n;
                }

                if (!IsConsonant(i))
                {
                    break;
                }

                i++;
            }

            i++;
            while (true)
            {
                while (true)
                {
                    if (i > _j)
                    {
                        return n;
                    }

                    if (IsConsonant(i))
                    {
                        break;
                    }

                    i++;
                }

                i++;
                n++;
                while (true)
                {
                    if (i > _j)
                    {
                        return n;
                    }

                    if (!IsConsonant(i))
                    {
                        break;
                    }

                    i++;
                }

                i++;
            }
        }

        private readonly bool VowelInStem()
        {
            for (var i = 0; i <= _j; i++)
            {
                if (!IsConsonant(i))
                {
                    return true;
                }
            }

            return false;
        }

        private readonly bool DoubleConsonant(int j) => j >= 1 && _b[j] == _b[j - 1] && IsConsonant(j);

        /// <summary>True when b[i-2..i] is consonant-vowel-consonant and the last consonant is not w, x or y.</summary>
        private readonly bool ConsonantVowelConsonant(int i) =>
            i >= 2 && IsConsonant(i) && !IsConsonant(i - 1) && IsConsonant(i - 2) && _b[i] is not ('w' or 'x' or 'y');

        private bool Ends(string suffix)
        {
            var length = suffix.Length;
            if (length > K + 1 || !_b.Slice(K - length + 1, length).SequenceEqual(suffix))
            {
                return false;
            }

            _j = K - length;
            return true;
        }

        private void SetTo(string replacement)
        {
            replacement.CopyTo(_b[(_j + 1)..]);
            K = _j + replacement.Length;
        }

        /// <summary>When the word ends with <paramref name="suffix"/>, replaces it if the stem's measure is positive; returns whether it ended so.</summary>
        private bool Replace(string suffix, string replacement)
        {
            if (!Ends(suffix))
            {
                return false;
            }

            if (Measure() > 0)
            {
                SetTo(replacement);
            }

            return true;
        }
    }
}
