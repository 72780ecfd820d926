using System.Collections.Frozen;

namespace Orderly.Inventory.Domain;

/// <summary>
/// The ISO 4217 currencies a price can be in (active codes, without fund and precious-metal codes), with their minor units:
/// a price in JPY has no decimals, one in KWD up to three.
/// </summary>
public static class CurrencyCodes
{
    private static readonly FrozenDictionary<string, int> MinorUnits = Build();

    /// <summary>True for an active ISO 4217 code (upper case, as the standard writes it).</summary>
    public static bool IsKnown(string code) => MinorUnits.ContainsKey(code);

    /// <summary>How many decimals an amount in the currency may have.</summary>
    public static int DecimalsOf(string code) => MinorUnits[code];

    private static FrozenDictionary<string, int> Build()
    {
        const string two =
            "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY COP CRC " +
            "CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD " +
            "KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO " +
            "NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL " +
            "THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG";
        const string zero = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF";
        const string three = "BHD IQD JOD KWD LYD OMR TND";
        static IEnumerable<KeyValuePair<string, int>> With(string codes, int decimals) =>
            codes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => KeyValuePair.Create(c, decimals));
        return With(two, 2).Concat(With(zero, 0)).Concat(With(three, 3)).ToFrozenDictionary(StringComparer.Ordinal);
    }
}
