using LlmStrategies;

namespace StrategyLadder;

/// <summary>A small knowledge base about a fictional company, with questions whose answers need its facts.</summary>
internal static class KnowledgeBase
{
    public static readonly (string Id, string Text)[] Documents =
    [
        ("company", "Brightwater Networks was founded in 2009 in Tampere, Finland. The company designs mesh Wi-Fi routers for homes and small offices. It employs 240 people."),
        ("warranty", "Every Brightwater router comes with a three-year limited warranty. The warranty covers hardware faults but not damage from power surges. Warranty claims are filed through the Brightwater portal."),
        ("returns", "Unopened products can be returned within 45 days of purchase for a full refund. Opened products can be returned within 14 days with a 10 percent restocking fee."),
        ("aurora", "The Aurora X3 is the flagship router. It supports Wi-Fi 7 and has four 2.5-gigabit Ethernet ports. The Aurora X3 costs 349 euros."),
        ("pebble", "The Pebble mini node extends an existing mesh network. A single Pebble covers about 90 square metres. Pebble nodes are sold in packs of two."),
        ("firmware", "Firmware updates are released on the first Tuesday of every month. Routers install updates automatically between 3 and 5 in the morning."),
        ("support", "Phone support is open from 8:00 to 18:00 Finnish time on weekdays. Chat support is available around the clock in English and Finnish."),
        ("security", "Brightwater routers use WPA3 encryption by default. The guest network is isolated from the main network. Remote administration is disabled unless the owner enables it in the app."),
        ("app", "The Brightwater Home app runs on Android and iOS. Parental controls in the app can pause the internet for a chosen device. The app shows the signal strength of every node."),
        ("recycling", "Old Brightwater routers can be sent back free of charge for recycling. The company reuses 80 percent of the plastic from returned devices."),
    ];

    public static readonly (string Question, string Expected)[] Questions =
    [
        ("In which year was Brightwater Networks founded?", "2009"),
        ("How long is the warranty on a Brightwater router?", "three-year"),
        ("Does the warranty cover damage from power surges?", "power surges"),
        ("Within how many days can unopened products be returned?", "45 days"),
        ("What restocking fee applies to opened products?", "10 percent"),
        ("How much does the Aurora X3 cost?", "349 euros"),
        ("Which Wi-Fi standard does the Aurora X3 support?", "Wi-Fi 7"),
        ("How large an area does a single Pebble cover?", "90 square metres"),
        ("When are firmware updates released?", "first Tuesday"),
        ("When is phone support open?", "8:00 to 18:00"),
        ("Which encryption do the routers use by default?", "WPA3"),
        ("On which platforms does the Brightwater Home app run?", "Android and iOS"),
        ("How much of the plastic from returned devices is reused?", "80 percent"),
        ("How many people does the company employ?", "240"),
    ];

    /// <summary>Worked examples in the style we want (short, cited), about facts not in the question set.</summary>
    public static readonly FewShotExample[] Examples =
    [
        new() { Id = "ex-headquarters", Input = "Where is Brightwater based?", Output = "In Tampere, Finland [1]." },
        new() { Id = "ex-packs", Input = "How are Pebble nodes sold?", Output = "In packs of two [1]." },
    ];

    public static IReadOnlyList<RetrievedChunk> AsChunks() =>
        Documents.Select(d => new RetrievedChunk { ChunkId = d.Id, SourceId = d.Id, Text = d.Text }).ToArray();
}
