using System.Reflection;
using System.Reflection.Emit;
using System.Text.Json;
using Orderly.Checkout.Saga;
using Orderly.Contracts;
using Orderly.Contracts.Inventory;
using Orderly.Contracts.Payments;
using Orderly.Contracts.Shipping;
using Orderly.Orchestrations;
using static Orderly.Checkout.Tests.BaseServicesScript;

namespace Orderly.Checkout.Tests;

public sealed class SagaDeterminismTests
{
    public static TheoryData<string> Scenarios =>
        ["happy", "declined", "payment-timeout", "capture-failed", "compensation-keeps-failing", "authorized-too-little", "captured-too-little"];

    private static Func<CheckoutCommand, Answer> ScenarioScript(string name) => Script((kind, c) => (name, kind) switch
    {
        ("declined", nameof(AuthorizePayment)) => Answer.With(new PaymentDeclined(OrderId, "declined")),
        ("payment-timeout", nameof(AuthorizePayment)) => Answer.Silence,
        ("capture-failed", nameof(CapturePayment)) => Answer.With(new PaymentCaptureFailed(OrderId, "pay-1", "no-funds")),
        ("compensation-keeps-failing", nameof(CreateShipment)) => Answer.With(new ShipmentRejected(OrderId, "country-not-served")),
        ("compensation-keeps-failing", nameof(VoidPayment)) => Answer.Silence,
        ("authorized-too-little", nameof(AuthorizePayment)) => Answer.With(new PaymentAuthorized(OrderId, "pay-1", new Money(0.01m, "EUR"))),
        ("captured-too-little", nameof(CapturePayment)) => Answer.With(new PaymentCaptured(OrderId, "pay-1", new Money(0.01m, "EUR"))),
        ("captured-too-little", nameof(VoidPayment)) => Answer.Silence,
        _ => null,
    });

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Replay_from_every_prefix_of_the_history_makes_the_same_decisions(string scenario)
    {
        var first = new ScriptedSagaContext(ScenarioScript(scenario));
        var firstResult = JsonSerializer.Serialize(await CheckoutSaga.RunAsync(first, Input()), SagaRegistration.JsonOptions);
        Assert.True(first.Actions.Count > 4);

        for (var prefix = 0; prefix <= first.Actions.Count; prefix++)
        {
            var replay = new ScriptedSagaContext(ScenarioScript(scenario), first.Actions, prefix);
            var result = JsonSerializer.Serialize(await CheckoutSaga.RunAsync(replay, Input()), SagaRegistration.JsonOptions);

            Assert.Equal(first.Actions.Select(a => (a.Kind, a.Name, a.Input)), replay.Actions.Select(a => (a.Kind, a.Name, a.Input)));
            Assert.Equal(firstResult, result);
            Assert.Equal(first.Statuses[^1], replay.Statuses[^1]);
            // Only the commands after the replayed prefix are sent again, and they are the same commands.
            var replayedSends = first.Actions.Take(prefix).Count(a => a.Kind == "step" && a.Outcome is string);
            Assert.Equal(first.Sent.Skip(replayedSends).Select(c => c.MessageId), replay.Sent.Select(c => c.MessageId));
        }
    }

    [Fact]
    public async Task Two_runs_at_different_moments_produce_byte_identical_statuses()
    {
        var a = new ScriptedSagaContext(ScenarioScript("payment-timeout"));
        await CheckoutSaga.RunAsync(a, Input());
        await Task.Yield();
        var b = new ScriptedSagaContext(ScenarioScript("payment-timeout"));
        await CheckoutSaga.RunAsync(b, Input());

        Assert.Equal(a.Statuses, b.Statuses);
    }

    [Fact]
    public void The_saga_code_calls_no_clock_guid_random_delay_or_io()
    {
        // The saga, its nested types, and the reply check it calls on every reply.
        var types = new[] { typeof(CheckoutSaga), typeof(ReplyCheck) }
            .Concat(typeof(CheckoutSaga).GetNestedTypes(BindingFlags.NonPublic | BindingFlags.Public)).ToList();
        var called = types.SelectMany(CalledMembers).Distinct().ToList();
        Assert.NotEmpty(called);
        Assert.Contains(called, m => m.DeclaringType == typeof(SagaContext)); // the scan sees through the async state machines

        var forbidden = called.Where(IsForbidden).Select(m => $"{m.DeclaringType}.{m.Name}").ToList();
        Assert.Empty(forbidden);
    }

    private static bool IsForbidden(MethodBase m)
    {
        var type = m.DeclaringType;
        if (type is null) return false;
        var ns = type.Namespace ?? "";
        return (type == typeof(DateTime) || type == typeof(DateTimeOffset)) && m.Name is "get_Now" or "get_UtcNow" or "get_Today"
               || type == typeof(Guid) && m.Name is "NewGuid" or "CreateVersion7"
               || type == typeof(Random) || type == typeof(TimeProvider) || type == typeof(Environment)
               || type == typeof(Task) && m.Name is "Delay" or "Run" || type == typeof(Thread)
               || type == typeof(System.Diagnostics.Stopwatch) || type == typeof(System.Diagnostics.Activity)
               || ns.StartsWith("System.IO", StringComparison.Ordinal) || ns.StartsWith("System.Net", StringComparison.Ordinal)
               || ns.StartsWith("Orderly.Messaging", StringComparison.Ordinal) || ns.StartsWith("Orderly.Storage", StringComparison.Ordinal);
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>Every method a type's own method bodies call, read from their IL.</summary>
    private static IEnumerable<MethodBase> CalledMembers(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var bodies = type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
        foreach (var method in bodies)
        {
            var il = method.GetMethodBody()?.GetILAsByteArray();
            if (il is null) continue;
            var i = 0;
            while (i < il.Length)
            {
                short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
                var op = OpCodesByValue[value];
                i += op.Size;
                var operand = op.OperandType switch
                {
                    OperandType.InlineNone => 0,
                    OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                    OperandType.InlineVar => 2,
                    OperandType.InlineI8 or OperandType.InlineR => 8,
                    OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                    _ => 4,
                };
                if (op.OperandType == OperandType.InlineMethod)
                {
                    MethodBase? callee = null;
                    try { callee = type.Module.ResolveMethod(BitConverter.ToInt32(il, i), type.GetGenericArguments(), method.IsGenericMethod ? method.GetGenericArguments() : null); }
                    catch (ArgumentException) { }
                    if (callee is not null) yield return callee;
                }
                i += operand;
            }
        }
    }
}
