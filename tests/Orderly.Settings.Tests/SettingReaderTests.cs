using Microsoft.Extensions.Configuration;
using Orderly.Settings;

namespace Orderly.Settings.Tests;

/// <summary>A setting that is absent is its default; one that is present but wrong stops the start, named as an operator sets it.</summary>
public sealed class SettingReaderTests
{
    private static IConfigurationSection Section(string key, string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"Messaging:Consumer:{key}"] = value })
            .Build().GetSection("Messaging:Consumer");

    private static SettingException Refused(Action read) => Assert.Throws<SettingException>(read);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void An_absent_or_blank_setting_is_its_default(string? value)
    {
        var section = Section("X", value);
        Assert.Equal(7, section.ReadInt("X", 7, least: 1));
        Assert.Equal(TimeSpan.FromSeconds(3), section.ReadDuration("X", TimeSpan.FromSeconds(3)));
        Assert.Equal(0.5, section.ReadDouble("X", 0.5, above: 0, most: 1));
        Assert.True(section.ReadBool("X", true));
        Assert.Equal(DayOfWeek.Monday, section.ReadEnum("X", DayOfWeek.Monday));
        Assert.Equal("Embedded", section.ReadChoice("X", "Embedded", "Embedded", "AzureStorage"));
        Assert.Equal("d", section.ReadString("X", "d"));
        Assert.Null(section.ReadOptionalInt("X"));
        Assert.Null(section.ReadOptionalBool("X"));
    }

    [Fact]
    public void A_bad_value_is_refused_naming_the_environment_variable_the_value_and_what_is_allowed()
    {
        var refused = Refused(() => Section("MaxDeliveryCount", "lots").ReadInt("MaxDeliveryCount", 10, least: 1));

        Assert.Equal("Messaging__Consumer__MaxDeliveryCount", refused.Setting);
        Assert.Equal("Messaging__Consumer__MaxDeliveryCount='lots' is not a whole number of at least 1; unset, it is 10", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public void A_key_read_from_the_root_is_named_by_its_own_path()
    {
        var root = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Health:LoopUnhealthyAfter"] = "soon" }).Build();

        Assert.Equal("Health__LoopUnhealthyAfter", Refused(() => root.ReadDuration("Health:LoopUnhealthyAfter", TimeSpan.FromMinutes(1))).Setting);
    }

    [Theory]
    [InlineData("3", 3)]
    [InlineData(" 1 ", 1)]
    [InlineData("100", 100)]
    public void A_whole_number_within_bounds_reads(string value, int expected) =>
        Assert.Equal(expected, Section("N", value).ReadInt("N", 10, least: 1, most: 100));

    [Theory]
    [InlineData("0", "from 1 to 100")]
    [InlineData("101", "from 1 to 100")]
    [InlineData("2.5", "from 1 to 100")]
    [InlineData("99999999999", "from 1 to 100")]
    public void A_whole_number_outside_its_bounds_or_not_whole_is_refused(string value, string allowed) =>
        Assert.Contains(allowed, Refused(() => Section("N", value).ReadInt("N", 10, least: 1, most: 100)).Message);

    [Theory]
    [InlineData("5", 5_000)]
    [InlineData("0.25", 250)]
    [InlineData("00:00:02", 2_000)]
    [InlineData("00:01:00.500", 60_500)]
    public void A_duration_is_seconds_or_a_timespan(string value, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Section("D", value).ReadDuration("D", TimeSpan.FromSeconds(1)));

    [Theory]
    [InlineData("soon")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("-00:00:01")]
    [InlineData("NaN")]
    public void A_duration_that_does_not_read_or_is_not_above_zero_is_refused(string value)
    {
        var refused = Refused(() => Section("BaseDelay", value).ReadDuration("BaseDelay", TimeSpan.FromMilliseconds(200)));
        Assert.StartsWith($"Messaging__Consumer__BaseDelay='{value}' is not a duration above zero", refused.Message);
        Assert.EndsWith("unset, it is 0.2 s", refused.Message);
    }

    [Theory]
    [InlineData("0.4", true)]
    [InlineData("0.5", false)]
    [InlineData("3600", false)]
    [InlineData("3601", true)]
    public void A_duration_is_held_to_its_bounds(string value, bool refused)
    {
        var section = Section("D", value);
        TimeSpan Read() => section.ReadDuration("D", TimeSpan.FromSeconds(1), least: TimeSpan.FromSeconds(0.5), most: TimeSpan.FromHours(1));
        if (refused) Assert.Contains("from 0.5 s to 01:00:00", Refused(() => Read()).Message);
        else Assert.Equal(TimeSpan.FromSeconds(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)), Read());
    }

    [Theory]
    [InlineData("1", 1.0, false)]
    [InlineData("0.25", 0.25, false)]
    [InlineData("0", 0, true)]
    [InlineData("1.5", 0, true)]
    [InlineData("half", 0, true)]
    public void A_number_is_held_to_its_bounds(string value, double expected, bool refused)
    {
        var section = Section("R", value);
        if (refused) Assert.Contains("is not a number above 0 and at most 1", Refused(() => section.ReadDouble("R", 0.5, above: 0, most: 1)).Message);
        else Assert.Equal(expected, section.ReadDouble("R", 0.5, above: 0, most: 1));
    }

    [Fact]
    public void A_flag_is_true_or_false_in_any_case()
    {
        Assert.True(Section("F", "TRUE").ReadBool("F", false));
        Assert.False(Section("F", "false").ReadOptionalBool("F"));
        Assert.Contains("is not true or false", Refused(() => Section("F", "yes").ReadBool("F", false)).Message);
    }

    [Fact]
    public void An_enum_is_one_of_its_names_in_any_case_and_never_a_number()
    {
        Assert.Equal(DayOfWeek.Friday, Section("E", "friday").ReadEnum("E", DayOfWeek.Monday));
        Assert.Contains("is not one of Sunday, Monday", Refused(() => Section("E", "5").ReadEnum("E", DayOfWeek.Monday)).Message);
    }

    [Fact]
    public void A_choice_is_answered_as_spelled_and_anything_else_is_refused()
    {
        Assert.Equal("AzureStorage", Section("C", "azurestorage").ReadChoice("C", "Embedded", "Embedded", "AzureStorage"));
        Assert.Equal("Messaging__Consumer__C='Cosmos' is not one of Embedded, AzureStorage; unset, it is Embedded",
            Refused(() => Section("C", "Cosmos").ReadChoice("C", "Embedded", "Embedded", "AzureStorage")).Message);
    }

    [Fact]
    public void A_value_that_does_not_fit_with_another_is_refused_by_name() =>
        Assert.Equal("Messaging__Consumer__MaxDelay: must be at least BaseDelay",
            SettingReader.Refuse(Section("MaxDelay", "1"), "MaxDelay", "must be at least BaseDelay").Message);
}
