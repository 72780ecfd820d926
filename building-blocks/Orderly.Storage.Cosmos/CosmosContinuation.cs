using System.Buffers.Text;
using System.Text;
using Orderly.Storage;

namespace Orderly.Storage.Cosmos;

/// <summary>The SDK's continuation token (JSON) as the port hands it out: base64url, so it needs no escaping in a URL.</summary>
public static class CosmosContinuation
{
    public static string Encode(string sdkToken) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(sdkToken));

    /// <summary>The SDK's token; throws <see cref="InvalidContinuationException"/> when <paramref name="continuation"/> is not base64url.</summary>
    public static string Decode(string continuation)
    {
        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(continuation));
        }
        catch (FormatException ex)
        {
            throw new InvalidContinuationException("The continuation is not one this store handed out; list again from the first page.", ex);
        }
    }
}
