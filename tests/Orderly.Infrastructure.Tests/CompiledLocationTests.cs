using System.Text.RegularExpressions;

namespace Orderly.Infrastructure.Tests;

/// <summary>
/// Flex Consumption runs in some regions only; a location without it would provision everything else and then fail on the
/// plans. So main.bicep allows only Flex regions, and tells azd (metadata azd.type 'location') to offer just those.
/// </summary>
public sealed partial class CompiledLocationTests
{
    [CompiledFact]
    public void Location_is_an_azd_location_restricted_to_flex_consumption_regions()
    {
        var location = CompiledTemplate.Main.GetProperty("parameters").GetProperty("location");
        Assert.Equal("location", location.GetProperty("metadata").GetProperty("azd").GetProperty("type").GetString());
        var allowed = location.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!).ToList();
        Assert.Contains("swedencentral", allowed);
        Assert.All(allowed, region => Assert.Matches("^[a-z0-9]+$", region));
        Assert.DoesNotContain(allowed, region => region.EndsWith("euap", StringComparison.Ordinal)); // canary regions take no customer workloads
        // The region CI previews in, unless its repository variable says otherwise.
        var ciDefault = CiLocation().Match(Repository.Read(".github/workflows/ci.yml")).Groups[1].Value;
        Assert.Contains(ciDefault, allowed);
    }

    [CompiledFact]
    public void A_region_without_flex_consumption_is_refused_before_anything_is_deployed()
    {
        var parameters = CompiledTemplate.Parameters();
        parameters["location"] = "nowhere1";
        var refused = Assert.Throws<ArgumentException>(() => CompiledTemplate.Deploy(parameters));
        Assert.Contains("location", refused.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"AZURE_LOCATION: \$\{\{ vars\.AZURE_LOCATION \|\| '([a-z0-9]+)' \}\}")]
    private static partial Regex CiLocation();
}
