using System.Globalization;
using System.Text;

namespace Orderly.Infrastructure.Tests.Arm;

/// <summary>One ARM template expression, parsed: a literal, a function call, or a property or index access on either.</summary>
internal abstract record ArmNode
{
    internal sealed record Literal(object? Value) : ArmNode;

    internal sealed record Call(string Function, IReadOnlyList<ArmNode> Arguments) : ArmNode;

    internal sealed record Member(ArmNode Target, string Name) : ArmNode;

    internal sealed record Index(ArmNode Target, ArmNode Key) : ArmNode;
}

/// <summary>
/// The expression syntax of ARM JSON (what <c>bicep build</c> emits): a string value in brackets is an expression,
/// <c>[[</c> escapes a literal bracket, string literals are single-quoted with <c>''</c> for a quote.
/// </summary>
internal static class ArmExpression
{
    public static bool IsExpression(string value) =>
        value.Length >= 2 && value[0] == '[' && value[^1] == ']' && !value.StartsWith("[[", StringComparison.Ordinal);

    /// <summary>A string that is not an expression, as ARM reads it (<c>[[x]</c> is the text <c>[x]</c>).</summary>
    public static string Literal(string value) => value.StartsWith("[[", StringComparison.Ordinal) ? value[1..] : value;

    public static ArmNode Parse(string expression)
    {
        var parser = new Parser(expression[1..^1]);
        var node = parser.Expression();
        parser.End();
        return node;
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public ArmNode Expression()
        {
            var node = Primary();
            while (true)
            {
                Space();
                if (Peek('.'))
                {
                    _pos++;
                    node = new ArmNode.Member(node, Identifier());
                }
                else if (Peek('['))
                {
                    _pos++;
                    var key = Expression();
                    Expect(']');
                    node = new ArmNode.Index(node, key);
                }
                else return node;
            }
        }

        public void End()
        {
            Space();
            if (_pos != text.Length) throw new FormatException($"unexpected '{text[_pos..]}' in [{text}]");
        }

        private ArmNode Primary()
        {
            Space();
            if (Peek('\'')) return new ArmNode.Literal(String());
            if (_pos < text.Length && (char.IsDigit(text[_pos]) || text[_pos] == '-')) return new ArmNode.Literal(Number());
            var name = Identifier();
            Expect('(');
            var arguments = new List<ArmNode>();
            Space();
            if (!Peek(')'))
            {
                do arguments.Add(Expression());
                while (TryTake(','));
            }
            Expect(')');
            return new ArmNode.Call(name, arguments);
        }

        private string String()
        {
            _pos++;
            var value = new StringBuilder();
            while (true)
            {
                if (_pos >= text.Length) throw new FormatException($"unterminated string in [{text}]");
                if (text[_pos] == '\'')
                {
                    if (_pos + 1 < text.Length && text[_pos + 1] == '\'') { value.Append('\''); _pos += 2; continue; }
                    _pos++;
                    return value.ToString();
                }
                value.Append(text[_pos++]);
            }
        }

        private long Number()
        {
            var start = _pos;
            if (text[_pos] == '-') _pos++;
            while (_pos < text.Length && char.IsDigit(text[_pos])) _pos++;
            return long.Parse(text[start.._pos], CultureInfo.InvariantCulture);
        }

        private string Identifier()
        {
            Space();
            var start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] is '_' or '$')) _pos++;
            if (_pos == start) throw new FormatException($"identifier expected at {_pos} in [{text}]");
            return text[start.._pos];
        }

        private bool Peek(char c) => _pos < text.Length && text[_pos] == c;

        private bool TryTake(char c)
        {
            Space();
            if (!Peek(c)) return false;
            _pos++;
            return true;
        }

        private void Expect(char c)
        {
            if (!TryTake(c)) throw new FormatException($"'{c}' expected at {_pos} in [{text}]");
        }

        private void Space()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }
    }
}
