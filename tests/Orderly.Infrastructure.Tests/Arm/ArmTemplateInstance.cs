using System.Text.Json;

namespace Orderly.Infrastructure.Tests.Arm;

/// <summary>Builds resource ids the way resourceId(), subscriptionResourceId() and extensionResourceId() do.</summary>
internal static class ArmResourceIds
{
    /// <summary><paramref name="scope"/>/providers/Microsoft.X/a/{name1}/b/{name2} for type Microsoft.X/a/b.</summary>
    public static string Child(string scope, string type, IEnumerable<string> names)
    {
        // Resource groups are the one type whose id has no providers segment.
        if (type.Equals("Microsoft.Resources/resourceGroups", StringComparison.OrdinalIgnoreCase)) return $"{scope}/resourceGroups/{names.Single()}";
        var typeParts = type.Split('/');
        var nameParts = string.Join('/', names).Split('/');
        if (typeParts.Length - 1 != nameParts.Length)
            throw new InvalidOperationException($"type {type} needs {typeParts.Length - 1} name segments, got {string.Join('/', nameParts)}");
        var path = string.Join('/', typeParts.Skip(1).Zip(nameParts, (t, n) => $"{t}/{n}"));
        return $"{scope}/providers/{typeParts[0]}/{path}";
    }

    public static string Extension(string scope, string type, IEnumerable<string> names) => Child(scope.TrimEnd('/'), type, names);
}

/// <summary>What a deployment runs against: the subscription, tenant and cloud that subscription(), tenant() and environment() report.</summary>
internal sealed record ArmTarget(string SubscriptionId, string TenantId)
{
    public string SubscriptionScope => $"/subscriptions/{SubscriptionId}";

    public Dictionary<string, object?> Subscription() => Object(("id", SubscriptionScope), ("subscriptionId", SubscriptionId), ("tenantId", TenantId), ("displayName", "test"));

    public Dictionary<string, object?> Tenant() => Object(("tenantId", TenantId));

    public Dictionary<string, object?> Environment() => Object(
        ("name", "AzureCloud"),
        ("authentication", Object(("loginEndpoint", "https://login.microsoftonline.com/"), ("audiences", new List<object?> { "https://management.core.windows.net/" }))),
        ("suffixes", Object(("storage", "core.windows.net"), ("sqlServerHostname", ".database.windows.net"))));

    internal static Dictionary<string, object?> Object(params (string Key, object? Value)[] properties)
    {
        var o = ArmValues.NewObject();
        foreach (var (key, value) in properties) o[key] = value;
        return o;
    }
}

/// <summary>
/// One template being deployed: the root template at subscription scope, or a module's template inside its
/// Microsoft.Resources/deployments resource. Holds its parameter values (checked against their declarations) and
/// evaluates its variables once, on first use.
/// </summary>
internal sealed class ArmTemplateInstance
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _evaluating = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, object?> _parameters = new(StringComparer.OrdinalIgnoreCase);

    public ArmTemplateInstance(ArmDeployment deployment, JsonElement template, string name, string? resourceGroup, IReadOnlyDictionary<string, object?> parameters)
    {
        Deployment = deployment;
        Template = template;
        Name = name;
        ResourceGroup = resourceGroup;
        BindParameters(parameters);
    }

    public ArmDeployment Deployment { get; }

    public JsonElement Template { get; }

    /// <summary>The deployment's name ("" for the root), e.g. "sb-access-orders".</summary>
    public string Name { get; }

    /// <summary>The resource group it deploys into; null at subscription scope.</summary>
    public string? ResourceGroup { get; }

    public ArmTarget Target => Deployment.Target;

    /// <summary>Symbolic names (languageVersion 2.0 templates) and loop names, to the resources they stand for.</summary>
    internal Dictionary<string, List<ArmResource>> Symbols { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string Scope => ResourceGroup is null ? Target.SubscriptionScope : $"{Target.SubscriptionScope}/resourceGroups/{ResourceGroup}";

    public object? Parameter(string name) =>
        _parameters.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"{Name}: no parameter {name}");

    public object? Variable(string name)
    {
        if (_variables.TryGetValue(name, out var cached)) return cached;
        if (!_evaluating.Add(name)) throw new InvalidOperationException($"{Name}: variable {name} depends on itself");
        var variables = Template.GetProperty("variables");
        object? value;
        if (variables.TryGetProperty(name, out var raw)) value = ArmScope.Of(this).Evaluate(raw);
        else if (variables.TryGetProperty("copy", out var loops)
                 && loops.EnumerateArray().FirstOrDefault(l => l.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } loop)
        {
            var scope = ArmScope.Of(this);
            var count = Convert.ToInt32(scope.Evaluate(loop.GetProperty("count")));
            value = Enumerable.Range(0, count).Select(i => scope.InPropertyLoop(name, i).Evaluate(loop.GetProperty("input"))).ToList();
        }
        else throw new KeyNotFoundException($"{Name}: no variable {name}");
        _evaluating.Remove(name);
        return _variables[name] = value;
    }

    public string ResourceId(IReadOnlyList<string> args)
    {
        var typeAt = Enumerable.Range(0, args.Count).First(i => args[i].Contains('/') && !args[i].StartsWith('/'));
        var scope = typeAt switch
        {
            0 => Scope,
            1 => $"{Target.SubscriptionScope}/resourceGroups/{args[0]}",
            _ => $"/subscriptions/{args[0]}/resourceGroups/{args[1]}",
        };
        return ArmResourceIds.Child(scope, args[typeAt], args.Skip(typeAt + 1));
    }

    public string SubscriptionResourceId(IReadOnlyList<string> args)
    {
        var typeAt = args[0].Contains('/') ? 0 : 1;
        var subscription = typeAt == 0 ? Target.SubscriptionScope : $"/subscriptions/{args[0]}";
        return ArmResourceIds.Child(subscription, args[typeAt], args.Skip(typeAt + 1));
    }

    public Dictionary<string, object?> ResourceGroupObject() => ResourceGroup is null
        ? throw new InvalidOperationException("resourceGroup() in a subscription-scope template")
        : ArmTarget.Object(("id", Scope), ("name", ResourceGroup), ("location", new ArmRuntime($"resourceGroup({ResourceGroup}).location")));

    public Dictionary<string, object?> DeploymentObject() => ArmTarget.Object(("name", Name), ("properties", ArmValues.NewObject()));

    /// <summary>The template's outputs, as reference(deployment).outputs gives them: { name: { type, value } }.</summary>
    public Dictionary<string, object?> Outputs()
    {
        var outputs = ArmValues.NewObject();
        if (!Template.TryGetProperty("outputs", out var declared)) return outputs;
        var scope = ArmScope.Of(this);
        foreach (var output in declared.EnumerateObject())
        {
            // An output loop ("copy": { count, input }) is an array, copyIndex() counting its items.
            var value = output.Value.TryGetProperty("copy", out var copy)
                ? Enumerable.Range(0, Convert.ToInt32(scope.Evaluate(copy.GetProperty("count")), System.Globalization.CultureInfo.InvariantCulture))
                    .Select(i => scope.InLoop("", i).Evaluate(copy.GetProperty("input"))).ToList()
                : scope.Evaluate(output.Value.GetProperty("value"));
            outputs[output.Name] = ArmTarget.Object(("type", output.Value.GetProperty("type").GetString()), ("value", value));
        }
        return outputs;
    }

    // Every declared parameter gets a value (given, or its default), each checked against its allowed values and bounds as
    // Azure Resource Manager checks them before deploying anything; an undeclared one is refused.
    private void BindParameters(IReadOnlyDictionary<string, object?> given)
    {
        var declared = Template.TryGetProperty("parameters", out var p) ? p.EnumerateObject().ToList() : [];
        foreach (var name in given.Keys.Where(k => declared.All(d => !d.NameEquals(k))))
            throw new ArgumentException($"{Name}: parameter {name} is not declared");
        foreach (var parameter in declared.Where(d => given.ContainsKey(d.Name)))
            _parameters[parameter.Name] = given[parameter.Name];
        foreach (var parameter in declared.Where(d => !given.ContainsKey(d.Name)))
        {
            if (!parameter.Value.TryGetProperty("defaultValue", out var defaultValue))
                throw new ArgumentException($"{Name}: required parameter {parameter.Name} has no value");
            _parameters[parameter.Name] = ArmScope.Of(this).Evaluate(defaultValue);
        }
        foreach (var parameter in declared) Check(parameter.Name, parameter.Value, _parameters[parameter.Name]);
    }

    private void Check(string name, JsonElement declaration, object? value)
    {
        if (value is ArmRuntime) return;
        var declarations = declaration.TryGetProperty("$ref", out var reference)
            ? Template.GetProperty("definitions").GetProperty(reference.GetString()!.Split('/')[^1])
            : declaration;
        if (declarations.TryGetProperty("allowedValues", out var allowed) && !allowed.EnumerateArray().Any(a => ArmValues.Same(ArmValues.FromJson(a), value)))
            throw new ArgumentException($"{Name}: parameter {name} = {ArmValues.Text(value)} is not one of its allowed values");
        var length = value switch { string s => s.Length, List<object?> a => a.Count, _ => (int?)null };
        if (length is { } n && declarations.TryGetProperty("minLength", out var min) && n < min.GetInt32())
            throw new ArgumentException($"{Name}: parameter {name} is shorter than {min}");
        if (length is { } m && declarations.TryGetProperty("maxLength", out var max) && m > max.GetInt32())
            throw new ArgumentException($"{Name}: parameter {name} is longer than {max}");
        if (value is long v && declarations.TryGetProperty("minValue", out var minValue) && v < minValue.GetInt64())
            throw new ArgumentException($"{Name}: parameter {name} = {v} is below its minimum {minValue}");
        if (value is long w && declarations.TryGetProperty("maxValue", out var maxValue) && w > maxValue.GetInt64())
            throw new ArgumentException($"{Name}: parameter {name} = {w} is above its maximum {maxValue}");
    }
}
