using LlmStrategies.FineTuning.TrainingData;

namespace FineTuningSample;

/// <summary>
/// A small fictional support dataset (Brightwater Networks): customer questions and the answers an agent gave, with a
/// few retrieved help-centre passages a RAG prompt would carry. Item "t07" deliberately repeats a test question (in other
/// case and punctuation), as happens when a dataset is split carelessly.
/// </summary>
internal static class SupportData
{
    public const string SystemPrompt = "You are Brightwater Networks' support assistant. Answer in one or two friendly sentences.";

    public static TrainingExample[] Train { get; } =
    [
        Example("t01", "How do I restart my router?", "Unplug the router for 30 seconds, plug it back in and wait for the light to turn steady white (about two minutes)."),
        Example("t02", "My internet is slow in the evenings.", "Evening slowdowns are usually congestion on Wi-Fi; try the 5 GHz network or a cable, and run a speed test at brightwater.example/speed so we can compare."),
        Example("t03", "Can I change my billing date?", "Yes: in the app go to Account > Billing > Billing date and pick any day from the 1st to the 28th; the change applies from the next bill."),
        Example("t04", "Why was I charged twice this month?", "A second charge is usually a one-off pro-rata charge after a plan change; if not, reply with the two amounts and we will refund the duplicate within 5 working days."),
        Example("t05", "How do I set up parental controls?", "Open the app, choose Devices > Family, create a profile for your child and add their devices; you can then set bedtimes and filters."),
        Example("t06", "What does the red light on my router mean?", "A red light means the router has no connection to our network; check the fibre cable is clicked in, then restart the router."),
        Example("t07", "how long is the warranty on the router", "Our routers have a two-year warranty from the delivery date; we replace faulty units free of charge."),
        Example("t08", "Can I keep my phone number if I switch to you?", "Yes, tell us your current number when you order and we will move it for you; you stay reachable throughout."),
        Example("t09", "How do I change my Wi-Fi password?", "In the app go to Wi-Fi > Settings > Password, type the new one (at least 12 characters) and save; devices will need to reconnect."),
        Example("t10", "Is there a fee for cancelling?", "Cancelling within the minimum term costs the remaining monthly fees; after it, cancellation is free with 30 days' notice."),
        Example("t11", "The app says my router is offline but the internet works.", "That usually means the app lost contact after an update; sign out and back in, and if it persists restart the router."),
        Example("t12", "How fast is the Fibre 500 plan?", "Fibre 500 gives up to 500 Mbit/s download and 100 Mbit/s upload over a wired connection."),
        Example("t13", "Do you offer a static IP address?", "Yes, a static IP is available on business plans and as a 5-per-month add-on on home plans; you can order it in the app."),
        Example("t14", "How do I get a Wi-Fi booster?", "If a room has weak signal, order a free booster in the app under Wi-Fi > Coverage; it arrives in 2 to 3 working days."),
        Example("t15", "My bill is higher than usual.", "Bills rise after a promotional period ends or when add-ons are used; open Account > Billing to see each line, and reply if one looks wrong."),
        Example("t16", "Can I pause my subscription while abroad?", "You can pause for 1 to 3 months once a year for 5 per month; go to Account > Plan > Pause."),
    ];

    public static string[] TestInputs { get; } =
    [
        "How long is the warranty on the router?",
        "What should I do if the router light is blinking orange?",
        "How can I see my data usage?",
        "Can I move my service to a new address?",
    ];

    /// <summary>Help-centre passages a RAG strategy would put into the prompt for a typical question.</summary>
    public static string[] RetrievedPassages { get; } =
    [
        "Router lights: steady white means connected; blinking white means starting; orange means an update is being installed, do not unplug; red means no connection to the network, check the fibre cable and restart.",
        "Restarting: unplug the router for 30 seconds, plug it back in and wait about two minutes. If the light stays red after two restarts, book an engineer in the app under Help > Engineer visit.",
        "Warranty: routers and boosters carry a two-year warranty from the delivery date. Faulty units are replaced free of charge; accidental damage is not covered.",
        "Moving home: tell us your new address at least 14 days before the move in the app under Account > Move. We keep your number and plan; installation at the new address is free once a year.",
        "Billing: bills are issued on your billing date; you can change it to any day from the 1st to the 28th. Pro-rata charges appear after a plan change.",
    ];

    private static TrainingExample Example(string id, string input, string output) => new() { Id = id, Input = input, Output = output };
}
