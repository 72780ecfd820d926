using System.Globalization;
using System.Text;

namespace Orderly.Infrastructure.Tests;

/// <summary>
/// Reads a Bicep literal (strings, numbers, booleans, arrays and objects, newline- or comma-separated) into plain
/// .NET values, enough to check the templates' declared data without a Bicep compiler. Expressions are not evaluated:
/// an unquoted expression (brackets and quotes inside it included) comes back as its text.
/// </summary>
internal sealed class BicepLiteral
{
    private readonly string _text;
    private int _pos;

    private BicepLiteral(string text, int start)
    {
        _text = text;
        _pos = start;
    }

    /// <summary>The value of <c>var name = ...</c> in a Bicep file's text.</summary>
    public static object Variable(string bicep, string name) => After(bicep, $"var {name} = ");

    /// <summary>The body of <c>resource symbol '...' = { ... }</c> (top-level or nested) in a Bicep file's text.</summary>
    public static Dictionary<string, object> Resource(string bicep, string symbol)
    {
        var declaration = System.Text.RegularExpressions.Regex.Match(bicep, $@"(?m)^\s*resource {symbol} '[^']+'( existing)? = ");
        if (!declaration.Success) throw new InvalidOperationException($"resource {symbol} not found");
        return (Dictionary<string, object>)new BicepLiteral(bicep, declaration.Index + declaration.Length).Value();
    }

    /// <summary>The value written right after the first occurrence of <paramref name="marker"/>.</summary>
    public static object After(string bicep, string marker)
    {
        var at = bicep.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException($"'{marker.Trim()}' not found");
        return new BicepLiteral(bicep, at + marker.Length).Value();
    }

    /// <summary>The value at a dotted path of nested objects (<c>properties.globalValidation</c>).</summary>
    public static object At(Dictionary<string, object> value, string path) =>
        path.Split('.').Aggregate((object)value, (current, key) =>
            current is Dictionary<string, object> o && o.TryGetValue(key, out var next)
                ? next
                : throw new KeyNotFoundException($"{path}: no '{key}'"));

    public static IReadOnlyList<string> Strings(object value) => ((List<object>)value).Cast<string>().ToList();

    private object Value()
    {
        SkipSpace(newlines: true);
        var c = _text[_pos];
        return c switch
        {
            '[' => Array(),
            '{' => Object(),
            '\'' => String(),
            _ => Bare(),
        };
    }

    private List<object> Array()
    {
        _pos++;
        var items = new List<object>();
        while (true)
        {
            SkipSeparators();
            if (_text[_pos] == ']') { _pos++; return items; }
            items.Add(Value());
        }
    }

    private Dictionary<string, object> Object()
    {
        _pos++;
        var props = new Dictionary<string, object>(StringComparer.Ordinal);
        while (true)
        {
            SkipSeparators();
            if (_text[_pos] == '}') { _pos++; return props; }
            var key = _text[_pos] == '\'' ? String() : Identifier();
            SkipSpace(newlines: false);
            if (_text[_pos] != ':') throw new FormatException($"':' expected at {_pos}");
            _pos++;
            props[key] = Value();
        }
    }

    private string String()
    {
        _pos++;
        var sb = new StringBuilder();
        while (_text[_pos] != '\'')
        {
            if (_text[_pos] == '\\') _pos++;
            sb.Append(_text[_pos++]);
        }
        _pos++;
        return sb.ToString();
    }

    private string Identifier()
    {
        var start = _pos;
        while (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '-') _pos++;
        return _text[start.._pos];
    }

    private object Bare()
    {
        var start = _pos;
        var depth = 0;
        for (; _pos < _text.Length; _pos++)
        {
            var c = _text[_pos];
            if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                if (depth == 0) break;
                while (_pos + 1 < _text.Length && _text[_pos + 1] != '\n') _pos++;
            }
            else if (c == '\'')
            {
                for (_pos++; _pos < _text.Length && _text[_pos] != '\''; _pos++)
                    if (_text[_pos] == '\\') _pos++;
            }
            else if (c is '(' or '[' or '{') depth++;
            else if (depth > 0 && c is ')' or ']' or '}') depth--;
            else if (depth == 0 && c is '\n' or ',' or ']' or '}') break;
        }
        var token = _text[start.._pos].Trim();
        if (token is "true" or "false") return token == "true";
        return long.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : token;
    }

    private void SkipSeparators()
    {
        while (true)
        {
            SkipSpace(newlines: true);
            if (_text[_pos] == ',') { _pos++; continue; }
            return;
        }
    }

    private void SkipSpace(bool newlines)
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                while (_pos < _text.Length && _text[_pos] != '\n') _pos++;
            }
            else if (c is ' ' or '\t' or '\r' || (newlines && c == '\n')) _pos++;
            else return;
        }
    }
}
