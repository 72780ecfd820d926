namespace Orderly.Settings;

/// <summary>
/// A setting is present but cannot be used. The message is one line a person can act on: the setting in its environment-variable
/// form (<c>Messaging__Consumer__MaxDeliveryCount</c>), the value it has, and what it may be. Hosts report it and exit 1.
/// </summary>
public sealed class SettingException(string setting, string message) : Exception(message)
{
    /// <summary>The setting in its environment-variable form (<c>Section__Key</c>).</summary>
    public string Setting { get; } = setting;
}
