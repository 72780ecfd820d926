using System.Collections.Immutable;
using System.Text.Json;

namespace Orderly.Infrastructure.Tests.Arm;

/// <summary>
/// Where an expression is evaluated: in which template instance (its parameters and variables), at which copy indexes,
/// and with which lambda variables bound.
/// </summary>
internal sealed record ArmScope(ArmTemplateInstance Template, ImmutableDictionary<string, int> Copies, string? Loop, ImmutableDictionary<string, object?> Lambdas)
{
    public static ArmScope Of(ArmTemplateInstance template) =>
        new(template, ImmutableDictionary<string, int>.Empty, null, ImmutableDictionary<string, object?>.Empty);

    /// <summary>Inside a resource loop: copyIndex() and copyIndex(loop) both give <paramref name="index"/>.</summary>
    public ArmScope InLoop(string loop, int index) => this with { Copies = Copies.SetItem(loop, index), Loop = loop };

    /// <summary>Inside a property or variable loop: only copyIndex(loop) gives <paramref name="index"/>.</summary>
    public ArmScope InPropertyLoop(string loop, int index) => this with { Copies = Copies.SetItem(loop, index) };

    /// <summary>A template value with every expression in it evaluated; property loops (<c>"copy": [...]</c>) expanded.</summary>
    public object? Evaluate(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => Evaluate(element.GetString()!),
        JsonValueKind.Array => element.EnumerateArray().Select(Evaluate).ToList(),
        JsonValueKind.Object => EvaluateObject(element),
        _ => ArmValues.FromJson(element),
    };

    public object? Evaluate(string value) =>
        ArmExpression.IsExpression(value) ? ArmFunctions.Evaluate(ArmExpression.Parse(value), this) : ArmExpression.Literal(value);

    private Dictionary<string, object?> EvaluateObject(JsonElement element)
    {
        var result = ArmValues.NewObject();
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name == "copy" && property.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var loop in property.Value.EnumerateArray())
                {
                    var name = loop.GetProperty("name").GetString()!;
                    var count = Convert.ToInt32(Evaluate(loop.GetProperty("count")));
                    result[name] = Enumerable.Range(0, count).Select(i => InPropertyLoop(name, i).Evaluate(loop.GetProperty("input"))).ToList();
                }
                continue;
            }
            result[ArmValues.Text(Evaluate(property.Name))] = Evaluate(property.Value);
        }
        return result;
    }
}
