using System.Text.Json;

namespace Orderly.Infrastructure.Tests.Arm;

/// <summary>One resource a deployment writes (or, <see cref="Existing"/>, only reads), with every expression it can evaluate evaluated.</summary>
internal sealed class ArmResource
{
    private readonly Lazy<Dictionary<string, object?>> _body;

    internal ArmResource(ArmTemplateInstance template, ArmScope scope, JsonElement raw, string type, string name, string id)
    {
        Template = template;
        Scope = scope;
        Raw = raw;
        Type = type;
        Name = name;
        Id = id;
        Existing = raw.TryGetProperty("existing", out var existing) && existing.GetBoolean();
        _body = new Lazy<Dictionary<string, object?>>(EvaluateBody);
    }

    public string Id { get; }

    public string Type { get; }

    public string Name { get; }

    public bool Existing { get; }

    /// <summary>The template that declares it: its <see cref="ArmTemplateInstance.Name"/> is the module's deployment name.</summary>
    public ArmTemplateInstance Template { get; }

    /// <summary>The Microsoft.Resources/deployments resource whose template declares this one; null in the root template.</summary>
    public ArmResource? Container { get; internal init; }

    public string? Symbol { get; internal init; }

    public string? Loop { get; internal init; }

    public int Index { get; internal init; }

    /// <summary>0 for a parallel loop (ARM's default) or no loop; n for <c>"mode": "serial", "batchSize": n</c>.</summary>
    public int BatchSize { get; internal init; }

    public IReadOnlyList<ArmResource> DependsOn => Dependencies;

    /// <summary>Every property but copy, condition, dependsOn and a nested deployment's template, evaluated.</summary>
    public Dictionary<string, object?> Body => _body.Value;

    internal JsonElement Raw { get; }

    internal ArmScope Scope { get; }

    internal List<ArmResource> Dependencies { get; } = [];

    internal Lazy<ArmTemplateInstance>? Nested { get; init; }

    /// <summary>The value at a dotted path of the body (<c>properties.principalId</c>).</summary>
    public object? At(string path) => path.Split('.').Aggregate((object?)Body, ArmFunctions.Property);

    public bool Has(string path)
    {
        object? current = Body;
        foreach (var key in path.Split('.'))
        {
            if (current is not Dictionary<string, object?> o || !o.TryGetValue(key, out current)) return false;
        }
        return true;
    }

    public override string ToString() => $"{Type} {Name} (in {(Template.Name.Length == 0 ? "main" : Template.Name)})";

    private Dictionary<string, object?> EvaluateBody()
    {
        var body = ArmValues.NewObject();
        foreach (var property in Raw.EnumerateObject())
        {
            if (property.Name is "copy" or "condition" or "dependsOn" or "existing") continue;
            if (property.Name == "properties" && Nested is not null)
            {
                var properties = ArmValues.NewObject();
                foreach (var p in property.Value.EnumerateObject().Where(p => p.Name != "template")) properties[p.Name] = Scope.Evaluate(p.Value);
                body["properties"] = properties;
                continue;
            }
            body[property.Name] = Scope.Evaluate(property.Value);
        }
        return body;
    }
}

/// <summary>
/// A compiled template deployed on paper: copy loops expanded, conditions applied, every module's nested template deployed
/// with the parameter values its Microsoft.Resources/deployments resource passes (checked against the module's
/// declarations), and reference() to a module answered with that module's outputs. What ARM would only learn from Azure
/// (a new identity's principal id) stays an <see cref="ArmRuntime"/>. It also knows what may run at the same time: ARM
/// starts a resource when everything it depends on is done, runs a loop in parallel unless it is serial, and finishes a
/// nested deployment when all its resources are done.
/// </summary>
internal sealed class ArmDeployment
{
    private readonly List<ArmResource> _resources = [];
    private readonly Dictionary<string, ArmResource> _deployments = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<ArmTemplateInstance, Dictionary<string, object?>> _outputs = [];
    private Dictionary<ArmResource, int>? _events;
    private List<int>[]? _edges;

    private ArmDeployment(ArmTarget target) => Target = target;

    public static ArmTarget DefaultTarget { get; } = new("00000000-0000-0000-0000-00000000a11e", "00000000-0000-0000-0000-0000000071e7");

    public ArmTarget Target { get; }

    public IReadOnlyList<ArmResource> Resources => _resources;

    /// <summary>Deploys <paramref name="template"/> at subscription scope, or into <paramref name="resourceGroup"/>.</summary>
    public static ArmDeployment Deploy(JsonElement template, IReadOnlyDictionary<string, object?> parameters, string? resourceGroup = null)
    {
        var deployment = new ArmDeployment(DefaultTarget);
        deployment._root = new ArmTemplateInstance(deployment, template, "", resourceGroup, parameters);
        deployment.Expand(deployment._root, container: null);
        return deployment;
    }

    private ArmTemplateInstance? _root;

    /// <summary>What the deployment outputs (what azd writes into its environment): { name: { type, value } }.</summary>
    public Dictionary<string, object?> Outputs() => _root!.Outputs();

    public IEnumerable<ArmResource> OfType(string type) =>
        _resources.Where(r => !r.Existing && string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when ARM cannot start <paramref name="later"/> before <paramref name="earlier"/> has finished.</summary>
    public bool RunsBefore(ArmResource earlier, ArmResource later)
    {
        BuildSchedule();
        var target = _events![later] * 2;
        var seen = new HashSet<int>();
        var stack = new Stack<int>([_events[earlier] * 2 + 1]);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            if (e == target) return true;
            if (!seen.Add(e)) continue;
            foreach (var next in _edges![e]) stack.Push(next);
        }
        return false;
    }

    internal object? Reference(ArmTemplateInstance from, string idOrSymbol, bool full)
    {
        var id = idOrSymbol.StartsWith('/') ? idOrSymbol
            : from.Symbols.TryGetValue(idOrSymbol, out var symbol) ? symbol.Single().Id
            : throw new KeyNotFoundException($"reference('{idOrSymbol}'): no such resource");
        if (!_deployments.TryGetValue(id, out var deployment) || full) return new ArmRuntime($"reference({id})");
        var nested = deployment.Nested!.Value;
        if (!_outputs.TryGetValue(nested, out var outputs)) _outputs[nested] = outputs = nested.Outputs();
        return ArmTarget.Object(("outputs", outputs));
    }

    private void Expand(ArmTemplateInstance template, ArmResource? container)
    {
        var declared = Declarations(template.Template)
            .SelectMany(d => Instances(template, container, d.Symbol, d.Raw))
            .ToList();
        foreach (var resource in declared)
        {
            if (resource.Symbol is { } s) Register(template, s, resource);
            if (resource.Loop is { } l && l != resource.Symbol) Register(template, l, resource);
        }
        foreach (var resource in declared) ResolveDependencies(resource, declared);
        _resources.AddRange(declared);
        foreach (var module in declared.Where(r => r.Nested is not null && !r.Existing)) Expand(module.Nested!.Value, module);
    }

    private static void Register(ArmTemplateInstance template, string name, ArmResource resource)
    {
        if (!template.Symbols.TryGetValue(name, out var list)) template.Symbols[name] = list = [];
        list.Add(resource);
    }

    private static IEnumerable<(string? Symbol, JsonElement Raw)> Declarations(JsonElement template)
    {
        if (!template.TryGetProperty("resources", out var resources)) return [];
        return resources.ValueKind == JsonValueKind.Array
            ? resources.EnumerateArray().Select(r => ((string?)null, r))
            : resources.EnumerateObject().Select(p => ((string?)p.Name, p.Value));
    }

    private IEnumerable<ArmResource> Instances(ArmTemplateInstance template, ArmResource? container, string? symbol, JsonElement raw)
    {
        var scope = ArmScope.Of(template);
        if (!raw.TryGetProperty("copy", out var copy))
        {
            if (Make(template, container, symbol, raw, scope, null, 0, 0) is { } single) yield return single;
            yield break;
        }
        var loop = copy.GetProperty("name").GetString()!;
        var count = Convert.ToInt32(scope.Evaluate(copy.GetProperty("count")));
        var serial = copy.TryGetProperty("mode", out var mode) && string.Equals(mode.GetString(), "serial", StringComparison.OrdinalIgnoreCase);
        var batchSize = serial ? (copy.TryGetProperty("batchSize", out var size) ? size.GetInt32() : 1) : 0;
        for (var i = 0; i < count; i++)
            if (Make(template, container, symbol, raw, scope.InLoop(loop, i), loop, i, batchSize) is { } instance) yield return instance;
    }

    private ArmResource? Make(ArmTemplateInstance template, ArmResource? container, string? symbol, JsonElement raw, ArmScope scope, string? loop, int index, int batchSize)
    {
        if (raw.TryGetProperty("condition", out var condition) && !ArmFunctions.Truth(scope.Evaluate(condition))) return null;
        var type = raw.GetProperty("type").GetString()!;
        var name = ArmValues.Text(scope.Evaluate(raw.GetProperty("name")));
        string? resourceGroup = null;
        string id;
        if (raw.TryGetProperty("scope", out var extensionScope))
        {
            var on = ArmValues.Text(scope.Evaluate(extensionScope));
            if (!on.StartsWith('/')) on = template.Symbols[on].Single().Id;
            id = ArmResourceIds.Extension(on, type, [name]);
        }
        else if (template.ResourceGroup is null && type.Equals("Microsoft.Resources/resourceGroups", StringComparison.OrdinalIgnoreCase))
            id = $"{Target.SubscriptionScope}/resourceGroups/{name}";
        else if (raw.TryGetProperty("resourceGroup", out var rg))
        {
            resourceGroup = ArmValues.Text(scope.Evaluate(rg));
            id = ArmResourceIds.Child($"{Target.SubscriptionScope}/resourceGroups/{resourceGroup}", type, [name]);
        }
        else id = ArmResourceIds.Child(template.Scope, type, [name]);

        Lazy<ArmTemplateInstance>? nested = null;
        if (type.Equals("Microsoft.Resources/deployments", StringComparison.OrdinalIgnoreCase)
            && raw.GetProperty("properties").TryGetProperty("template", out var inner))
        {
            var properties = raw.GetProperty("properties");
            if (properties.GetProperty("expressionEvaluationOptions").GetProperty("scope").GetString() != "inner")
                throw new NotSupportedException($"{name}: only inner-scoped nested templates (what Bicep emits) are evaluated");
            var targetGroup = resourceGroup ?? template.ResourceGroup;
            nested = new Lazy<ArmTemplateInstance>(() => new ArmTemplateInstance(this, inner, name, targetGroup,
                properties.TryGetProperty("parameters", out var given)
                    ? given.EnumerateObject().ToDictionary(p => p.Name, p => ((Dictionary<string, object?>)scope.Evaluate(p.Value)!)["value"])
                    : []));
        }
        var resource = new ArmResource(template, scope, raw, type, name, id)
        {
            Container = container,
            Symbol = symbol,
            Loop = loop,
            Index = index,
            BatchSize = batchSize,
            Nested = nested,
        };
        if (nested is not null) _deployments[id] = resource;
        return resource;
    }

    private static void ResolveDependencies(ArmResource resource, List<ArmResource> declared)
    {
        if (!resource.Raw.TryGetProperty("dependsOn", out var dependsOn)) return;
        foreach (var entry in dependsOn.EnumerateArray())
        {
            var target = ArmValues.Text(resource.Scope.Evaluate(entry));
            var found = target.StartsWith('/')
                ? declared.Where(r => string.Equals(r.Id, target, StringComparison.OrdinalIgnoreCase)).ToList()
                : resource.Template.Symbols.TryGetValue(target, out var named) ? named : [];
            if (found.Count == 0) throw new InvalidOperationException($"{resource}: dependsOn {target} names no resource of its template");
            resource.Dependencies.AddRange(found);
        }
    }

    // Two events per resource, start (2i) and end (2i+1); an edge u -> v means ARM does not let v happen before u.
    private void BuildSchedule()
    {
        if (_events is not null) return;
        _events = _resources.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i);
        _edges = Enumerable.Range(0, _resources.Count * 2).Select(_ => new List<int>()).ToArray();
        int Start(ArmResource r) => _events[r] * 2;
        int End(ArmResource r) => _events[r] * 2 + 1;
        foreach (var r in _resources)
        {
            _edges[Start(r)].Add(End(r));
            foreach (var d in r.DependsOn) _edges[End(d)].Add(Start(r));
            if (r.Container is { } c)
            {
                _edges[Start(c)].Add(Start(r));
                _edges[End(r)].Add(End(c));
            }
        }
        foreach (var loop in _resources.Where(r => r.BatchSize > 0).GroupBy(r => (r.Template, r.Loop)))
        {
            var batches = loop.GroupBy(r => r.Index / r.BatchSize).OrderBy(b => b.Key).ToList();
            for (var b = 1; b < batches.Count; b++)
                foreach (var before in batches[b - 1])
                    foreach (var after in batches[b]) _edges[End(before)].Add(Start(after));
        }
    }
}
