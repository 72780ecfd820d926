using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Orderly.Settings;

namespace Orderly.Operations;

/// <summary>
/// Each Function App's own base URL, as Bicep's <c>ORDERLY_APP_URLS</c> lists them (<c>[{"name":"orders","url":"https://…"}, …]</c>),
/// from the setting <c>Operations__AppUrls</c>: where the operations app forwards the console's reads.
/// </summary>
public sealed class AppUrls(IReadOnlyDictionary<string, Uri> urls)
{
    /// <summary>The setting holding the JSON list.</summary>
    public const string Key = "Operations:AppUrls";

    /// <summary><see cref="Key"/> as an app setting.</summary>
    public const string SettingName = "Operations__AppUrls";

    /// <summary>Every app named, in the setting's spelling.</summary>
    public IReadOnlyCollection<string> Apps => urls.Keys.ToList();

    /// <summary>The base URL of <paramref name="app"/>, or null when the setting names no such app.</summary>
    public Uri? Of(string app) => urls.GetValueOrDefault(app);

    /// <summary>
    /// The list in <see cref="Key"/>; absent, no app is known (every forwarded read then answers 502 naming the setting). A value
    /// that is no such list, or names an app twice or a URL that is not absolute http(s), stops the app, naming the setting.
    /// </summary>
    public static AppUrls From(IConfiguration configuration)
    {
        var text = configuration.ReadString(Key, "");
        if (text.Length == 0) return new(new Dictionary<string, Uri>());
        var urls = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var row in JsonSerializer.Deserialize<List<Row>>(text, Json) ?? [])
            {
                if (string.IsNullOrWhiteSpace(row.Name) || !Uri.TryCreate(row.Url, UriKind.Absolute, out var url)
                    || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || !urls.TryAdd(row.Name, url))
                {
                    throw Refuse(configuration, $"'{row.Name}' → '{row.Url}' is not a new app name with an absolute http(s) URL");
                }
            }
        }
        catch (JsonException e)
        {
            throw Refuse(configuration, $"is not a JSON list of {{\"name\", \"url\"}} ({e.Message})");
        }
        return new(urls);
    }

    private static SettingException Refuse(IConfiguration configuration, string problem) =>
        SettingReader.Refuse(configuration, Key, problem + "; it is ORDERLY_APP_URLS' shape: [{\"name\":\"orders\",\"url\":\"https://…\"}, …]");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Row(string? Name, string? Url);
}
