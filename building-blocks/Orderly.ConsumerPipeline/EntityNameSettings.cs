using Microsoft.Extensions.Configuration;
using Orderly.Settings;

namespace Orderly.ConsumerPipeline;

/// <summary>
/// Refuses the settings that used to rename queues, topics and subscriptions. Entity names are contract
/// (<c>Orderly.Contracts.Destinations</c> says why); such a setting would now be ignored, and an ignored rename is the
/// trap this prevents: the operator believes the app listens where it does not.
/// </summary>
public static class EntityNameSettings
{
    /// <summary>The configuration sections that once renamed entities.</summary>
    public static readonly IReadOnlyList<string> Retired = ["Messaging:Queues", "Messaging:Topics", "Messaging:Subscriptions", "Checkout:Queues"];

    /// <summary>Throws <see cref="SettingException"/> naming the first retired setting that has a value.</summary>
    public static void RefuseRenames(IConfiguration configuration)
    {
        var set = Retired.SelectMany(section => configuration.GetSection(section).AsEnumerable())
            .FirstOrDefault(setting => !string.IsNullOrEmpty(setting.Value));
        if (set.Key is not null)
        {
            throw SettingReader.Refuse(configuration, set.Key,
                "is set, but queue, topic and subscription names are contract (Orderly.Contracts.Destinations) and no setting renames them: remove it");
        }
    }
}
