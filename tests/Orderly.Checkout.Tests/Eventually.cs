namespace Orderly.Checkout.Tests;

/// <summary>Wait until a condition holds, polling briefly.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, int timeoutMs = 10_000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        while (!condition())
        {
            if (cts.IsCancellationRequested) throw new TimeoutException("The condition never held.");
            await Task.Delay(10);
        }
    }
}
