using System.Globalization;

namespace Orderly.Infrastructure.Tests.Arm;

/// <summary>
/// The ARM template functions the compiled templates use, evaluated as Azure Resource Manager would at deployment, except
/// that reference() to anything but a nested deployment gives an <see cref="ArmRuntime"/>. A function not listed here
/// fails the evaluation by name rather than being guessed at.
/// </summary>
internal static class ArmFunctions
{
    public static object? Evaluate(ArmNode node, ArmScope scope) => node switch
    {
        ArmNode.Literal literal => literal.Value,
        ArmNode.Member member => Property(Evaluate(member.Target, scope), member.Name),
        ArmNode.Index index => Item(Evaluate(index.Target, scope), Evaluate(index.Key, scope)),
        ArmNode.Call call => Call(call, scope),
        _ => throw new NotSupportedException(node.ToString()),
    };

    public static object? Property(object? target, string name) => target switch
    {
        Dictionary<string, object?> o => o.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"no property '{name}' in {ArmValues.Json(o)}"),
        ArmRuntime runtime => runtime.Get(name),
        _ => throw new InvalidOperationException($"'.{name}' on {ArmValues.Text(target)}"),
    };

    private static object? Item(object? target, object? key) => (target, key) switch
    {
        (List<object?> a, long i) => a[(int)i],
        (Dictionary<string, object?>, string name) => Property(target, name),
        (ArmRuntime runtime, _) => runtime.Get($"[{ArmValues.Text(key)}]"),
        _ => throw new InvalidOperationException($"[{ArmValues.Text(key)}] on {ArmValues.Text(target)}"),
    };

    private static object? Call(ArmNode.Call call, ArmScope scope)
    {
        var name = call.Function.ToLowerInvariant();
        // The three whose arguments are not all evaluated first.
        switch (name)
        {
            case "if":
                return Truth(Evaluate(call.Arguments[0], scope)) ? Evaluate(call.Arguments[1], scope) : Evaluate(call.Arguments[2], scope);
            case "lambda":
                var parameters = call.Arguments.SkipLast(1).Select(a => (string)Evaluate(a, scope)!).ToList();
                return new ArmLambda(parameters, call.Arguments[^1], scope);
            case "lambdavariables":
                var variable = (string)Evaluate(call.Arguments[0], scope)!;
                return scope.Lambdas.TryGetValue(variable, out var bound) ? bound : throw new KeyNotFoundException($"lambda variable {variable}");
        }
        var args = call.Arguments.Select(a => Evaluate(a, scope)).ToList();
        var template = scope.Template;
        return name switch
        {
            "parameters" => template.Parameter((string)args[0]!),
            "variables" => template.Variable((string)args[0]!),
            "copyindex" => CopyIndex(args, scope),
            "true" => true,
            "false" => false,
            "null" => null,
            "json" => ArmValues.FromJson(System.Text.Json.JsonDocument.Parse((string)args[0]!).RootElement),
            "string" => args[0] is string s ? s : ArmValues.Text(args[0]),
            "int" => Convert.ToInt64(args[0], CultureInfo.InvariantCulture),
            "bool" => Truth(args[0]),
            "not" => !Truth(args[0]),
            "and" => args.All(Truth),
            "or" => args.Any(Truth),
            "equals" => ArmValues.Same(args[0], args[1]),
            "empty" => args[0] switch
            {
                null => true,
                string s => s.Length == 0,
                List<object?> a => a.Count == 0,
                Dictionary<string, object?> o => o.Count == 0,
                _ => false,
            },
            "length" => args[0] switch
            {
                string s => (long)s.Length,
                List<object?> a => (long)a.Count,
                Dictionary<string, object?> o => (long)o.Count,
                _ => throw new InvalidOperationException($"length of {ArmValues.Text(args[0])}"),
            },
            "contains" => args[0] switch
            {
                string s => s.Contains(ArmValues.Text(args[1]), StringComparison.OrdinalIgnoreCase),
                List<object?> a => a.Any(x => ArmValues.Same(x, args[1])),
                Dictionary<string, object?> o => o.ContainsKey(ArmValues.Text(args[1])),
                _ => false,
            },
            "format" => string.Format(CultureInfo.InvariantCulture, (string)args[0]!, args.Skip(1).Select(ArmValues.Text).ToArray<object>()),
            "concat" => args.All(a => a is List<object?>)
                ? args.Cast<List<object?>>().SelectMany(a => a).ToList()
                : string.Concat(args.Select(ArmValues.Text)),
            "tolower" => ((string)args[0]!).ToLowerInvariant(),
            "toupper" => ((string)args[0]!).ToUpperInvariant(),
            "replace" => ((string)args[0]!).Replace((string)args[1]!, (string)args[2]!, StringComparison.Ordinal),
            "split" => ((string)args[0]!).Split((string)args[1]!).Cast<object?>().ToList(),
            "join" => string.Join((string)args[1]!, ((List<object?>)args[0]!).Select(ArmValues.Text)),
            "startswith" => ((string)args[0]!).StartsWith((string)args[1]!, StringComparison.OrdinalIgnoreCase),
            "endswith" => ((string)args[0]!).EndsWith((string)args[1]!, StringComparison.OrdinalIgnoreCase),
            "first" => args[0] is List<object?> a ? a.FirstOrDefault() : ((string)args[0]!)[..1],
            "last" => args[0] is List<object?> a ? a.LastOrDefault() : ((string)args[0]!)[^1..],
            "take" => args[0] is List<object?> a ? a.Take((int)(long)args[1]!).ToList() : new string(((string)args[0]!).Take((int)(long)args[1]!).ToArray()),
            "skip" => args[0] is List<object?> a ? a.Skip((int)(long)args[1]!).ToList() : new string(((string)args[0]!).Skip((int)(long)args[1]!).ToArray()),
            "range" => Enumerable.Range((int)(long)args[0]!, (int)(long)args[1]!).Select(i => (object?)(long)i).ToList(),
            "coalesce" => args.FirstOrDefault(a => a is not null),
            "createarray" => args,
            "createobject" => Enumerable.Range(0, args.Count / 2).Aggregate(ArmValues.NewObject(), (o, i) => { o[(string)args[2 * i]!] = args[2 * i + 1]; return o; }),
            "union" => Union(args),
            "flatten" => ((List<object?>)args[0]!).SelectMany(a => (List<object?>)a!).ToList(),
            "map" => ((List<object?>)args[0]!).Select(x => Apply((ArmLambda)args[1]!, x)).ToList(),
            "filter" => ((List<object?>)args[0]!).Where(x => Truth(Apply((ArmLambda)args[1]!, x))).ToList(),
            "guid" => ArmValues.Guid(args.Select(ArmValues.Text)),
            "uniquestring" => ArmValues.UniqueString(args.Select(ArmValues.Text)),
            "subscription" => template.Target.Subscription(),
            "resourcegroup" => template.ResourceGroupObject(),
            "tenant" => template.Target.Tenant(),
            "environment" => template.Target.Environment(),
            "deployment" => template.DeploymentObject(),
            "resourceid" => template.ResourceId(args.Select(a => ArmValues.Text(a)).ToList()),
            "subscriptionresourceid" => template.SubscriptionResourceId(args.Select(a => ArmValues.Text(a)).ToList()),
            "extensionresourceid" => ArmResourceIds.Extension(ArmValues.Text(args[0]), ArmValues.Text(args[1]), args.Skip(2).Select(ArmValues.Text)),
            "tenantresourceid" => ArmResourceIds.Child("", ArmValues.Text(args[0]), args.Skip(1).Select(ArmValues.Text)),
            "reference" => template.Deployment.Reference(template, ArmValues.Text(args[0]), full: args.Count > 2),
            _ => throw new NotSupportedException($"ARM function {call.Function}() is not evaluated by this test helper"),
        };
    }

    public static bool Truth(object? value) => value switch
    {
        bool b => b,
        ArmRuntime r => throw new InvalidOperationException($"a condition depends on {r}, known only at deployment"),
        _ => throw new InvalidOperationException($"not a bool: {ArmValues.Text(value)}"),
    };

    private static object? Apply(ArmLambda lambda, object? argument)
    {
        var scope = lambda.Scope with { Lambdas = lambda.Scope.Lambdas.SetItem(lambda.Parameters[0], argument) };
        return Evaluate(lambda.Body, scope);
    }

    private static long CopyIndex(List<object?> args, ArmScope scope)
    {
        var loop = args.OfType<string>().FirstOrDefault() ?? scope.Loop ?? throw new InvalidOperationException("copyIndex() outside a loop");
        var offset = args.OfType<long>().FirstOrDefault();
        return scope.Copies.TryGetValue(loop, out var index) ? index + offset : throw new InvalidOperationException($"copyIndex('{loop}') outside that loop");
    }

    private static object? Union(List<object?> args)
    {
        if (args.All(a => a is List<object?>))
        {
            var items = new List<object?>();
            foreach (var item in args.Cast<List<object?>>().SelectMany(a => a))
                if (!items.Any(x => ArmValues.Same(x, item))) items.Add(item);
            return items;
        }
        var merged = ArmValues.NewObject();
        foreach (var o in args.Cast<Dictionary<string, object?>>())
            foreach (var (key, value) in o) merged[key] = value;
        return merged;
    }
}
