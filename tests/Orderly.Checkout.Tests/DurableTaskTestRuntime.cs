using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orderly.Orchestrations.Durable;

namespace Orderly.Checkout.Tests;

/// <summary>
/// The real Durable Task engine in process (<see cref="DurableTaskTestHost"/>: in-memory backend, gRPC sidecar on
/// localhost) running the registered sagas through the Durable adapter, exactly as a Durable Task worker host would
/// (<see cref="DurableSagaRegistration.AddSagas"/>); the ports are <see cref="DurableSagaClient"/> over the host's client.
/// </summary>
public sealed class DurableTaskTestRuntime : TestSagaRuntime
{
    private DurableTaskTestHost? _host;

    public DurableTaskTestHost Host => _host ?? throw new InvalidOperationException("The Durable Task host has not started.");

    public override void AddTo(IServiceCollection services) => services.AddDurableSagaRuntime(_ => Host.Client);

    // The steps run on the services under test (the runner closes over them); the host's own services are only its worker's.
    // The orchestrators' replay-safe loggers come from the worker's logger factory, hence the test's one is handed to the host.
    // The host picks a free port and then binds it; another test process may take the port in between, so a lost bind is
    // tried again on a new port (it failed one CI run in about ten with "address already in use").
    public override async Task StartAsync(IServiceProvider services, ILoggerFactory? loggers)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _host = await DurableTaskTestHost.StartAsync(tasks => tasks.AddSagas(services.GetRequiredService<DurableSagaRunner>()),
                    new DurableTaskTestHostOptions { LoggerFactory = loggers });
                return;
            }
            catch (IOException lost) when (attempt < 3 && lost.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
