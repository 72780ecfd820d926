using Microsoft.Azure.Functions.Worker.Builder;
using Orderly.Functions.Hosting;
using Orderly.Notifications;

namespace Orderly.Notifications.Functions;

/// <summary>The notifications Function App's services: the shared wiring over its entities and routes, and the notifications core.</summary>
public static class NotificationsApp
{
    /// <summary>Registers what the app's triggers need; Program.cs builds and runs it, and Orderly.Functions.Tests resolves it.</summary>
    public static FunctionsApplicationBuilder AddNotificationsApp(this FunctionsApplicationBuilder builder)
    {
        builder.AddOrderlyFunctionApp(NotificationsModule.Name, [NotificationsMessaging.Contract.Entity], NotificationsModule.Routes.All);
        builder.Services.AddNotificationsContext(builder.Configuration);
        return builder;
    }
}
