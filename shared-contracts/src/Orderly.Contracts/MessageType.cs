namespace Orderly.Contracts;

/// <summary>Whether a message asks for something, answers a command, or tells what happened.</summary>
public enum MessageKind
{
    Command,
    Reply,
    Event,
}

/// <summary>Names a contract's CloudEvents type (<c>orderly.&lt;context&gt;.&lt;name&gt;.v&lt;n&gt;</c>) and its kind.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class MessageTypeAttribute(string name, MessageKind kind) : Attribute
{
    public string Name { get; } = name;
    public MessageKind Kind { get; } = kind;
}
