using Xunit.Abstractions;
using Xunit.Sdk;

namespace Orderly.Storage.Tests;

/// <summary>A contract test: skipped when the test class needs an environment variable that is not set.</summary>
[XunitTestCaseDiscoverer("Orderly.Storage.Tests.StoreFactDiscoverer", "Orderly.Storage.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>On a contract subclass: its tests run only when <paramref name="variable"/> is set, else are skipped with <paramref name="reason"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEnvironmentAttribute(string variable, string reason) : Attribute
{
    public string Variable { get; } = variable;
    public string Reason { get; } = reason;
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
        foreach (var attribute in TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentAttribute)))
        {
            var args = attribute.GetConstructorArguments().ToList();
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable((string)args[0]))) return (string)args[1];
        }
        return base.GetSkipReason(factAttribute);
    }
}
