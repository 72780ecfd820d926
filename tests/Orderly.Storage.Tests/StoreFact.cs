using Xunit.Abstractions;
using Xunit.Sdk;

namespace Orderly.Storage.Tests;

/// <summary>A contract test: skipped when a <see cref="ContractSkipAttribute"/> of the concrete test class gives a reason.</summary>
[XunitTestCaseDiscoverer("Orderly.Storage.Tests.StoreFactDiscoverer", "Orderly.Storage.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>On a contract subclass: why one of its tests cannot run here, or null when it can. Asked when tests are discovered.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public abstract class ContractSkipAttribute : Attribute
{
    public abstract string? SkipReason(string testName);
}

/// <summary>On a contract subclass: its tests run only when <paramref name="variable"/> is set, else are skipped with <paramref name="reason"/>.</summary>
public sealed class RequiresEnvironmentAttribute(string variable, string reason) : ContractSkipAttribute
{
    public string Variable { get; } = variable;
    public string Reason { get; } = reason;

    public override string? SkipReason(string testName) => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) ? Reason : null;
}

public sealed class StoreFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        yield return new StoreTestCase(diagnostics, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
    }
}

/// <summary>A fact whose skip reason comes from the concrete test class (the abstract contract cannot know it).</summary>
public sealed class StoreTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StoreTestCase() { }

    public StoreTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(diagnostics, display, options, method) { }

    protected override string GetSkipReason(IAttributeInfo factAttribute)
    {
        foreach (var attribute in TestMethod.TestClass.Class.GetCustomAttributes(typeof(ContractSkipAttribute)))
        {
            var skip = (ContractSkipAttribute)((IReflectionAttributeInfo)attribute).Attribute;
            if (skip.SkipReason(TestMethod.Method.Name) is { } reason) return reason;
        }
        return base.GetSkipReason(factAttribute);
    }
}
