using System.Text.Json;
using Orderly.Messaging;

namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// A step whose whole effect is putting messages on the embedded broker, said as a pure plan: from its input, its result and
/// the messages. The runner takes such a step inside the turn that asks for it: the saga gets the result at once and goes
/// on (to its wait for the reply, typically), and the messages are written in the same unit of work as that turn's journal.
/// Without it the step would cost a unit of its own (the send) and a second turn (journaling its result). The same step is
/// still registered as an ordinary activity (<see cref="SagaRegistration.AddSagaActivity{TInput,TOutput}"/>) for engines
/// that run activities, and the runner falls back to that where the broker is not on its database.
/// </summary>
/// <remarks>
/// Sending in the journal's unit keeps the step's guarantees and tightens one: the messages are on the bus if and only if the
/// turn is journaled (a send step used to run at least once, its repeats dropped by duplicate detection). A plan that throws
/// is the step failing (journaled as its failure, as a step failing on its last attempt would be): a plan does no I/O, so
/// trying it again would fail the same way.
/// </remarks>
public sealed record SagaSendStep(string Name, Func<IServiceProvider, JsonElement, SagaSendPlan> Plan);

/// <summary>What a send step does: its <see cref="Result"/> for the saga and the <see cref="Messages"/> it puts on the bus.</summary>
public sealed record SagaSendPlan(object? Result, IReadOnlyList<OutgoingMessage> Messages);
