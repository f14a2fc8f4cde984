using System.Text;

namespace DockerOps.Chat.Commands;

/// <summary>
/// Splits what a person typed into words the way a shell would for simple cases: whitespace
/// separates, double or single quotes group (Slack and phones turn them into curly quotes, which
/// count too), and a backslash escapes the next character inside double quotes or outside quotes.
/// </summary>
public static class CommandTokenizer
{
    public const int MaxInputLength = 2000;

    public static bool TryTokenize(string? text, out IReadOnlyList<string> words, out string? problem)
    {
        words = [];
        problem = null;
        if (text is null)
            return true;
        if (text.Length > MaxInputLength)
        {
            problem = $"The command is longer than {MaxInputLength} characters.";
            return false;
        }

        var result = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char? closing = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (closing is not null)
            {
                if (c == closing)
                {
                    closing = null;
                }
                else if (c == '\\' && closing == '"' && i + 1 < text.Length)
                {
                    current.Append(text[++i]);
                }
                else
                {
                    current.Append(c);
                }

                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    result.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (ClosingQuote(c) is { } close)
                closing = close;
            else if (c == '\\' && i + 1 < text.Length)
                current.Append(text[++i]);
            else
                current.Append(c);
        }

        if (closing is not null)
        {
            problem = $"A quote is not closed (expected {closing}).";
            return false;
        }

        if (inWord)
            result.Add(current.ToString());
        words = result;
        return true;
    }

    private static char? ClosingQuote(char c) => c switch
    {
        '"' => '"',
        '\'' => '\'',
        '\u201C' => '\u201D',
        '\u2018' => '\u2019',
        _ => null,
    };
}
