<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="sv_SE" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>Knowledge base</source>
        <translation>Kunskapsbank</translation>
    </message>
    <message>
        <source>The app could not start:
{error}</source>
        <translation>Appen kunde inte starta:
{error}</translation>
    </message>
    <message>
        <source>content owner: edits his articles</source>
        <translation>innehållsägare: redigerar sina artiklar</translation>
    </message>
    <message>
        <source>content owner: building permits, school, elderly care</source>
        <translation>innehållsägare: bygglov, skola, äldreomsorg</translation>
    </message>
    <message>
        <source>supervisor: reads and edits everything</source>
        <translation>arbetsledare: läser och redigerar allt</translation>
    </message>
    <message>
        <source>rep: reads parking, waste, payments</source>
        <translation>handläggare: läser parkering, avfall, betalningar</translation>
    </message>
    <message>
        <source>rep: reads school and elderly care</source>
        <translation>handläggare: läser skola och äldreomsorg</translation>
    </message>
    <message>
        <source>administrator: reads everything, edits nothing</source>
        <translation>administratör: läser allt, redigerar inget</translation>
    </message>
    <message>
        <source>I have &amp;read this</source>
        <translation>Jag har &amp;läst detta</translation>
    </message>
    <message>
        <source>Next &amp;must-read</source>
        <translation>Nästa &amp;obligatoriska läsning</translation>
    </message>
    <message>
        <source>Since you last signed &amp;in</source>
        <translation>Sedan du senast &amp;loggade in</translation>
    </message>
    <message>
        <source>Make a must-&amp;read…</source>
        <translation>Gör till obligatorisk &amp;läsning…</translation>
    </message>
    <message>
        <source>Send a &amp;broadcast…</source>
        <translation>Skicka ett &amp;driftmeddelande…</translation>
    </message>
    <message>
        <source>B&amp;roadcasts</source>
        <translation>D&amp;riftmeddelanden</translation>
    </message>
    <message>
        <source>Must-reads and ac&amp;knowledgements</source>
        <translation>Obligatorisk läsning och &amp;kvittenser</translation>
    </message>
    <message>
        <source>Thank you: acknowledged.</source>
        <translation>Tack: kvitterat.</translation>
    </message>
    <message>
        <source>Acknowledged: sent when you are online.</source>
        <translation>Kvitterat: skickas när du är online.</translation>
    </message>
    <message>
        <source>Must-read sent to its readers</source>
        <translation>Den obligatoriska läsningen är skickad till läsarna</translation>
    </message>
    <message>
        <source>Broadcast sent</source>
        <translation>Driftmeddelandet är skickat</translation>
    </message>
    <message>
        <source>Version %1 from %2</source>
        <translation>Version %1 från %2</translation>
    </message>
    <message>
        <source>your supervisor</source>
        <translation>din arbetsledare</translation>
    </message>
    <message>
        <source>Must read: %1</source>
        <translation>Måste läsas: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n must-reads arrived during your call</source>
        <translation>
            <numerusform>%n obligatorisk läsning kom under ditt samtal</numerusform>
            <numerusform>%n obligatoriska läsningar kom under ditt samtal</numerusform>
        </translation>
    </message>
    <message>
        <source>Broadcast not sent: %1</source>
        <translation>Driftmeddelandet skickades inte: %1</translation>
    </message>
    <message>
        <source>Broadcasts</source>
        <translation>Driftmeddelanden</translation>
    </message>
    <message>
        <source>Reps</source>
        <translation>Handläggare</translation>
    </message>
    <message>
        <source>Content owners</source>
        <translation>Innehållsägare</translation>
    </message>
    <message>
        <source>Supervisors</source>
        <translation>Arbetsledare</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>Alla</translation>
    </message>
    <message>
        <source>reps in %1</source>
        <translation>handläggare inom %1</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Ämnen</translation>
    </message>
    <message>
        <source>e.g. %1: the reps of these topics</source>
        <translation>t.ex. %1: handläggarna inom dessa ämnen</translation>
    </message>
    <message>
        <source>the reps of these topics, separated by commas</source>
        <translation>handläggarna inom dessa ämnen, åtskilda med kommatecken</translation>
    </message>
    <message>
        <source>user names, separated by commas</source>
        <translation>användarnamn, åtskilda med kommatecken</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Personer</translation>
    </message>
    <message>
        <source>Roles:</source>
        <translation>Roller:</translation>
    </message>
    <message>
        <source>Reps in topics:</source>
        <translation>Handläggare inom ämnen:</translation>
    </message>
    <message>
        <source>People:</source>
        <translation>Personer:</translation>
    </message>
    <message>
        <source>There is no topic “%1”. Topics: %2.</source>
        <translation>Det finns inget ämne ”%1”. Ämnen: %2.</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Kritiskt</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Varning</translation>
    </message>
    <message>
        <source>Information</source>
        <translation>Information</translation>
    </message>
    <message>
        <source>an administrator</source>
        <translation>en administratör</translation>
    </message>
    <message>
        <source>until %1</source>
        <translation>till %1</translation>
    </message>
    <message>
        <source>Open “%1”</source>
        <translation>Öppna ”%1”</translation>
    </message>
    <message>
        <source>Hide on this screen</source>
        <translation>Dölj på den här skärmen</translation>
    </message>
    <message>
        <source>Hide this broadcast</source>
        <translation>Dölj det här driftmeddelandet</translation>
    </message>
    <message>
        <source>15 minutes</source>
        <translation>15 minuter</translation>
    </message>
    <message>
        <source>30 minutes</source>
        <translation>30 minuter</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 timme</translation>
    </message>
    <message>
        <source>2 hours</source>
        <translation>2 timmar</translation>
    </message>
    <message>
        <source>4 hours</source>
        <translation>4 timmar</translation>
    </message>
    <message>
        <source>8 hours (a working day)</source>
        <translation>8 timmar (en arbetsdag)</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1 dag</translation>
    </message>
    <message>
        <source>1 week</source>
        <translation>1 vecka</translation>
    </message>
    <message>
        <source>Send a broadcast</source>
        <translation>Skicka ett driftmeddelande</translation>
    </message>
    <message>
        <source>A banner at the top of every targeted window, within a second. It stays until it expires or you end it.</source>
        <translation>En banderoll överst i varje berört fönster, inom en sekund. Den ligger kvar tills den löper ut eller du avslutar den.</translation>
    </message>
    <message>
        <source>e.g. Phone lines to the north district are down: tell callers to use the e-service</source>
        <translation>t.ex. Telefonlinjerna till norra stadsdelen ligger nere: be de som ringer att använda e-tjänsten</translation>
    </message>
    <message>
        <source>Critical: red, and no one can hide it before it ends.</source>
        <translation>Kritiskt: rött, och ingen kan dölja det innan det upphör.</translation>
    </message>
    <message>
        <source>Link to “%1”</source>
        <translation>Länk till ”%1”</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>&amp;Skicka</translation>
    </message>
    <message>
        <source>Message:</source>
        <translation>Meddelande:</translation>
    </message>
    <message>
        <source>Severity:</source>
        <translation>Allvarlighet:</translation>
    </message>
    <message>
        <source>For:</source>
        <translation>Till:</translation>
    </message>
    <message>
        <source>Shows for:</source>
        <translation>Visas i:</translation>
    </message>
    <message>
        <source>%1 of %2 characters</source>
        <translation>%1 av %2 tecken</translation>
    </message>
    <message>
        <source>Write the message first.</source>
        <translation>Skriv meddelandet först.</translation>
    </message>
    <message>
        <source>A broadcast is at most %1 characters.</source>
        <translation>Ett driftmeddelande får vara högst %1 tecken.</translation>
    </message>
    <message>
        <source>Say who it is for: a role, reps in a topic, or people.</source>
        <translation>Ange vem det gäller: en roll, handläggare inom ett ämne eller personer.</translation>
    </message>
    <message>
        <source>Ended %1</source>
        <translation>Avslutat %1</translation>
    </message>
    <message>
        <source>Expired %1</source>
        <translation>Utgånget %1</translation>
    </message>
    <message>
        <source>Active until %1</source>
        <translation>Aktivt till %1</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Allvarlighet</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meddelande</translation>
    </message>
    <message>
        <source>For</source>
        <translation>Till</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Skickat</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Seen by</source>
        <translation>Sett av</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Roll</translation>
    </message>
    <message>
        <source>Seen</source>
        <translation>Sett</translation>
    </message>
    <message>
        <source>New broadcast…</source>
        <translation>Nytt driftmeddelande…</translation>
    </message>
    <message>
        <source>End now</source>
        <translation>Avsluta nu</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Uppdatera</translation>
    </message>
    <message>
        <source>Ending it…</source>
        <translation>Avslutar…</translation>
    </message>
    <message>
        <source>No broadcasts yet.</source>
        <translation>Inga driftmeddelanden ännu.</translation>
    </message>
    <message>
        <source>not yet</source>
        <translation>inte ännu</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Kvitterat</translation>
    </message>
    <message>
        <source>Opened, not acknowledged</source>
        <translation>Öppnat, inte kvitterat</translation>
    </message>
    <message>
        <source>Not opened</source>
        <translation>Inte öppnat</translation>
    </message>
    <message>
        <source>Not received</source>
        <translation>Inte mottaget</translation>
    </message>
    <message>
        <source>Not yet acknowledged</source>
        <translation>Inte kvitterat ännu</translation>
    </message>
    <message>
        <source>Must-reads and acknowledgements</source>
        <translation>Obligatorisk läsning och kvittenser</translation>
    </message>
    <message>
        <source>Must-reads</source>
        <translation>Obligatorisk läsning</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Grupp</translation>
    </message>
    <message>
        <source>In it</source>
        <translation>Antal</translation>
    </message>
    <message>
        <source>By role and topic of the people who must read it; someone with several topics counts in each.</source>
        <translation>Efter roll och ämne för dem som måste läsa den; den som har flera ämnen räknas i vart och ett.</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>Öppnat</translation>
    </message>
    <message>
        <source>Time to acknowledge</source>
        <translation>Tid till kvittens</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exportera CSV…</translation>
    </message>
    <message>
        <source>Open the document</source>
        <translation>Öppna dokumentet</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Visa:</translation>
    </message>
    <message>
        <source>%1 of %2 acknowledged</source>
        <translation>%1 av %2 har kvitterat</translation>
    </message>
    <message>
        <source>due %1</source>
        <translation>senast %1</translation>
    </message>
    <message>
        <source>version %1</source>
        <translation>version %1</translation>
    </message>
    <message>
        <source>No must-reads yet: publish a version as a must-read.</source>
        <translation>Ingen obligatorisk läsning ännu: publicera en version som obligatorisk läsning.</translation>
    </message>
    <message>
        <source>Live: this updates as people acknowledge.</source>
        <translation>Direkt: uppdateras när folk kvitterar.</translation>
    </message>
    <message>
        <source>Choose a must-read on the left.</source>
        <translation>Välj en obligatorisk läsning till vänster.</translation>
    </message>
    <message>
        <source>by %1</source>
        <translation>av %1</translation>
    </message>
    <message>
        <source>Must read for %1</source>
        <translation>Måste läsas av %1</translation>
    </message>
    <message>
        <source>%1 of %2 acknowledged (%3 %)</source>
        <translation>%1 av %2 har kvitterat (%3 %)</translation>
    </message>
    <message>
        <source>median time to acknowledge: %1</source>
        <translation>mediantid till kvittens: %1</translation>
    </message>
    <message>
        <source>Role: %1</source>
        <translation>Roll: %1</translation>
    </message>
    <message>
        <source>Topic: %1</source>
        <translation>Ämne: %1</translation>
    </message>
    <message>
        <source>Not a topic this must-read is for: of the people who must read it, these also read %1.</source>
        <translation>Inte ett ämne som den obligatoriska läsningen gäller: av dem som måste läsa den läser de här också %1.</translation>
    </message>
    <message>
        <source>Also reads %1</source>
        <translation>Läser också %1</translation>
    </message>
    <message>
        <source>Online now</source>
        <translation>Online nu</translation>
    </message>
    <message>
        <source>Export coverage</source>
        <translation>Exportera kvittenser</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-filer (*.csv)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>Sparade %1</translation>
    </message>
    <message>
        <source>Must read</source>
        <translation>Måste läsas</translation>
    </message>
    <message>
        <source>I have read this</source>
        <translation>Jag har läst detta</translation>
    </message>
    <message>
        <source>Tell your supervisor you have read this version (Ctrl+Shift+A)</source>
        <translation>Meddela din arbetsledare att du har läst den här versionen (Ctrl+Shift+A)</translation>
    </message>
    <message>
        <source>You acknowledged version %1 at %2</source>
        <translation>Du kvitterade version %1 %2</translation>
    </message>
    <message>
        <source>(sent when you are online)</source>
        <translation>(skickas när du är online)</translation>
    </message>
    <message>
        <source>Must read: version %1</source>
        <translation>Måste läsas: version %1</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>från %1</translation>
    </message>
    <message>
        <source>What changed since version %1</source>
        <translation>Vad som ändrats sedan version %1</translation>
    </message>
    <message>
        <source>What changed in this version</source>
        <translation>Vad som ändrats i den här versionen</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Aldrig</translation>
    </message>
    <message>
        <source>Every hour</source>
        <translation>Varje timme</translation>
    </message>
    <message>
        <source>Every 4 hours</source>
        <translation>Var fjärde timme</translation>
    </message>
    <message>
        <source>Every day</source>
        <translation>Varje dag</translation>
    </message>
    <message>
        <source>&amp;Must read: readers acknowledge this version</source>
        <translation>&amp;Måste läsas: läsarna kvitterar den här versionen</translation>
    </message>
    <message>
        <source>Due by</source>
        <translation>Senast</translation>
    </message>
    <message>
        <source>Who:</source>
        <translation>Vem:</translation>
    </message>
    <message>
        <source>When:</source>
        <translation>När:</translation>
    </message>
    <message>
        <source>Remind those who have not:</source>
        <translation>Påminn dem som inte har läst:</translation>
    </message>
    <message>
        <source>Say who must read it: a role, reps in a topic, or people.</source>
        <translation>Ange vem som måste läsa: en roll, handläggare inom ett ämne eller personer.</translation>
    </message>
    <message>
        <source>The due time has passed: choose a later one.</source>
        <translation>Sista tiden har passerat: välj en senare.</translation>
    </message>
    <message>
        <source>Make a must-read: %1</source>
        <translation>Gör till obligatorisk läsning: %1</translation>
    </message>
    <message>
        <source>Everyone you choose must open version %1 and press “I have read this”.</source>
        <translation>Alla du väljer måste öppna version %1 och trycka på ”Jag har läst detta”.</translation>
    </message>
    <message>
        <source>Why it matters, in a few words (they see this)</source>
        <translation>Varför det är viktigt, med några ord (de ser detta)</translation>
    </message>
    <message>
        <source>&amp;Make it a must-read</source>
        <translation>&amp;Gör till obligatorisk läsning</translation>
    </message>
    <message>
        <source>Your must-reads</source>
        <translation>Din obligatoriska läsning</translation>
    </message>
    <message>
        <source>Open one to read it; Enter opens, Esc closes.</source>
        <translation>Öppna en för att läsa den; Enter öppnar, Esc stänger.</translation>
    </message>
    <message>
        <source>acknowledged %1</source>
        <translation>kvitterat %1</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>försenad</translation>
    </message>
    <message>
        <source>to read</source>
        <translation>att läsa</translation>
    </message>
    <message>
        <source>Must-reads to acknowledge</source>
        <translation>Obligatorisk läsning att kvittera</translation>
    </message>
    <message>
        <source>Must read:</source>
        <translation>Måste läsas:</translation>
    </message>
    <message>
        <source>Open it, read it, then press “I have read this”</source>
        <translation>Öppna, läs och tryck sedan på ”Jag har läst detta”</translation>
    </message>
    <message>
        <source>Every must-read, and what you have acknowledged</source>
        <translation>All obligatorisk läsning, och vad du har kvitterat</translation>
    </message>
    <message numerus="yes">
        <source>and %n more…</source>
        <translation>
            <numerusform>och %n till…</numerusform>
            <numerusform>och %n till…</numerusform>
        </translation>
    </message>
    <message>
        <source>All…</source>
        <translation>Alla…</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <translation>kvitterad</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>åtgärdad</translation>
    </message>
    <message>
        <source>dismissed</source>
        <translation>avfärdad</translation>
    </message>
    <message>
        <source>reopened</source>
        <translation>återöppnad</translation>
    </message>
    <message>
        <source>Since you last signed in</source>
        <translation>Sedan du senast loggade in</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Öppna</translation>
    </message>
    <message>
        <source>What &amp;changed</source>
        <translation>Vad som &amp;ändrats</translation>
    </message>
    <message>
        <source>Since your last session ended, %1.</source>
        <translation>Sedan din senaste session slutade, %1.</translation>
    </message>
    <message>
        <source>Welcome: this is your first session on this computer.</source>
        <translation>Välkommen: det här är din första session på den här datorn.</translation>
    </message>
    <message numerus="yes">
        <source>Must-reads waiting for you (%n)</source>
        <translation>
            <numerusform>Obligatorisk läsning som väntar på dig (%n)</numerusform>
            <numerusform>Obligatorisk läsning som väntar på dig (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Active broadcasts (%n)</source>
        <translation>
            <numerusform>Aktiva driftmeddelanden (%n)</numerusform>
            <numerusform>Aktiva driftmeddelanden (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Published in your topics (%n)</source>
        <translation>
            <numerusform>Publicerat inom dina ämnen (%n)</numerusform>
            <numerusform>Publicerat inom dina ämnen (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Your flags (%n)</source>
        <translation>
            <numerusform>Dina flaggor (%n)</numerusform>
            <numerusform>Dina flaggor (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: your flag (%2) was %3 by %4</source>
        <translation>%1: din flaggning (%2) blev %3 av %4</translation>
    </message>
    <message numerus="yes">
        <source>%n notifications: open the notification centre</source>
        <translation>
            <numerusform>%n avisering: öppna aviseringarna</numerusform>
            <numerusform>%n aviseringar: öppna aviseringarna</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing new: you are up to date.</source>
        <translation>Inget nytt: du är uppdaterad.</translation>
    </message>
    <message>
        <source>What changed: %1</source>
        <translation>Vad som ändrats: %1</translation>
    </message>
    <message>
        <source>Show the &amp;whole text</source>
        <translation>Visa &amp;hela texten</translation>
    </message>
    <message>
        <source>This document is no longer shared with you.</source>
        <translation>Det här dokumentet delas inte längre med dig.</translation>
    </message>
    <message>
        <source>Version %1, against version %2: the one you last acknowledged.</source>
        <translation>Version %1 jämfört med version %2: den du senast kvitterade.</translation>
    </message>
    <message>
        <source>The first version: read it whole.</source>
        <translation>Första versionen: läs hela.</translation>
    </message>
    <message>
        <source>What version %1 changed, against version %2.</source>
        <translation>Vad version %1 ändrade, jämfört med version %2.</translation>
    </message>
    <message>
        <source>Fetching version %1 from the server…</source>
        <translation>Hämtar version %1 från servern…</translation>
    </message>
    <message>
        <source>&amp;New document…</source>
        <translation>&amp;Nytt dokument…</translation>
    </message>
    <message>
        <source>&amp;Edit document</source>
        <translation>&amp;Redigera dokumentet</translation>
    </message>
    <message>
        <source>Document &amp;details…</source>
        <translation>Dokument&amp;uppgifter…</translation>
    </message>
    <message>
        <source>&amp;Next search word</source>
        <translation>&amp;Nästa sökord</translation>
    </message>
    <message>
        <source>P&amp;revious search word</source>
        <translation>&amp;Föregående sökord</translation>
    </message>
    <message>
        <source>&amp;Clear search words</source>
        <translation>&amp;Rensa sökorden</translation>
    </message>
    <message>
        <source>Created as a draft: publish it when it is ready</source>
        <translation>Skapat som utkast: publicera när det är klart</translation>
    </message>
    <message>
        <source>Details of “{title}”</source>
        <translation>Uppgifter om ”{title}”</translation>
    </message>
    <message>
        <source>&amp;Title</source>
        <translation>&amp;Rubrik</translation>
    </message>
    <message>
        <source>T&amp;opics</source>
        <translation>Ä&amp;mnen</translation>
    </message>
    <message>
        <source>A supervisor reviews each version before readers see it</source>
        <translation>En arbetsledare granskar varje version innan läsarna ser den</translation>
    </message>
    <message>
        <source>The server&apos;s default</source>
        <translation>Serverns standard</translation>
    </message>
    <message>
        <source>days</source>
        <translation>dagar</translation>
    </message>
    <message>
        <source>Verify every</source>
        <translation>Översyn var</translation>
    </message>
    <message>
        <source>&amp;Audience</source>
        <translation>&amp;Målgrupp</translation>
    </message>
    <message>
        <source>O&amp;wner</source>
        <translation>Ä&amp;gare</translation>
    </message>
    <message>
        <source>&amp;Editors</source>
        <translation>&amp;Redaktörer</translation>
    </message>
    <message>
        <source>Re&amp;view</source>
        <translation>&amp;Granskning</translation>
    </message>
    <message>
        <source>Verify e&amp;very</source>
        <translation>Ö&amp;versyn var</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n dag</numerusform>
            <numerusform>%n dagar</numerusform>
        </translation>
    </message>
    <message>
        <source>Audience</source>
        <translation>Målgrupp</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Ägare</translation>
    </message>
    <message>
        <source>Editors</source>
        <translation>Redaktörer</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Granskning</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Krävs</translation>
    </message>
    <message>
        <source>Not required</source>
        <translation>Krävs inte</translation>
    </message>
    <message>
        <source>Supervisors change audience, owner, editors and review rules.</source>
        <translation>Arbetsledare ändrar målgrupp, ägare, redaktörer och granskningsregler.</translation>
    </message>
    <message>
        <source>A document needs a title.</source>
        <translation>Ett dokument behöver en rubrik.</translation>
    </message>
    <message>
        <source>Choose who may read it: everyone, or at least one role.</source>
        <translation>Välj vem som får läsa det: alla eller minst en roll.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Sparar…</translation>
    </message>
    <message>
        <source>Choose at least one topic: reps find documents through their topics.</source>
        <translation>Välj minst ett ämne: handläggare hittar dokument via sina ämnen.</translation>
    </message>
    <message>
        <source>Owners</source>
        <translation>Ägare</translation>
    </message>
    <message>
        <source>Every signed-in user who may read published documents</source>
        <translation>Alla inloggade användare som får läsa publicerade dokument</translation>
    </message>
    <message>
        <source>Public help centre</source>
        <translation>Offentligt hjälpcenter</translation>
    </message>
    <message>
        <source>Also shown without sign-in at /help/: for citizens, not internal notes</source>
        <translation>Visas även utan inloggning på /help/: för medborgare, inte för interna anteckningar</translation>
    </message>
    <message>
        <source>Names, separated by commas</source>
        <translation>Namn, åtskilda med kommatecken</translation>
    </message>
    <message>
        <source>New document</source>
        <translation>Nytt dokument</translation>
    </message>
    <message>
        <source>What a rep would look for, e.g. Parking permit for visitors</source>
        <translation>Det handläggare söker på, t.ex. Besöksparkering</translation>
    </message>
    <message>
        <source>made from the title</source>
        <translation>skapas från rubriken</translation>
    </message>
    <message>
        <source>Letters, digits, - _ and . only; used in links and file names.</source>
        <translation>Bara bokstäver, siffror, - _ och . ; används i länkar och filnamn.</translation>
    </message>
    <message>
        <source>&amp;Id</source>
        <translation>&amp;Id</translation>
    </message>
    <message>
        <source>&amp;Publish at once (readers see it immediately)</source>
        <translation>&amp;Publicera direkt (läsarna ser det genast)</translation>
    </message>
    <message>
        <source>Unless you publish it at once, the new document starts as a &lt;b&gt;draft&lt;/b&gt;: only its editors and supervisors see it until it is published (Document ▸ Publish…).</source>
        <translation>Om du inte publicerar direkt blir det nya dokumentet ett &lt;b&gt;utkast&lt;/b&gt;: bara dess redaktörer och arbetsledare ser det tills det publiceras (Dokument ▸ Publicera…).</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Skapa</translation>
    </message>
    <message>
        <source>Give the document a title.</source>
        <translation>Ge dokumentet en rubrik.</translation>
    </message>
    <message>
        <source>Give an id: letters, digits, - _ and . (not starting with .).</source>
        <translation>Ange ett id: bokstäver, siffror, - _ och . (inte först).</translation>
    </message>
    <message>
        <source>Name the owner: the person who keeps it correct.</source>
        <translation>Ange ägaren: den som håller det korrekt.</translation>
    </message>
    <message>
        <source>First version</source>
        <translation>Första versionen</translation>
    </message>
    <message>
        <source>Created, but not published: {reason}</source>
        <translation>Skapat men inte publicerat: {reason}</translation>
    </message>
    <message>
        <source>Creating…</source>
        <translation>Skapar…</translation>
    </message>
    <message>
        <source>Another topic…</source>
        <translation>Ett annat ämne…</translation>
    </message>
    <message>
        <source>New topic</source>
        <translation>Nytt ämne</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Lägg till</translation>
    </message>
    <message>
        <source>Comment threads</source>
        <translation>Kommentarstrådar</translation>
    </message>
    <message>
        <source>No comments yet. Select a passage and write one below.</source>
        <translation>Inga kommentarer ännu. Markera ett stycke och skriv en nedan.</translation>
    </message>
    <message>
        <source>Show &amp;resolved</source>
        <translation>Visa &amp;lösta</translation>
    </message>
    <message>
        <source>Write a comment; @name tells that person</source>
        <translation>Skriv en kommentar; @namn meddelar den personen</translation>
    </message>
    <message>
        <source>&amp;Comment</source>
        <translation>&amp;Kommentera</translation>
    </message>
    <message>
        <source>A new thread, on the selected passage if there is one</source>
        <translation>En ny tråd, på det markerade stycket om det finns ett</translation>
    </message>
    <message>
        <source>Re&amp;ply</source>
        <translation>&amp;Svara</translation>
    </message>
    <message>
        <source>Resol&amp;ve</source>
        <translation>&amp;Lös</translation>
    </message>
    <message>
        <source>not sent yet</source>
        <translation>inte skickat ännu</translation>
    </message>
    <message>
        <source>resolved by {who}</source>
        <translation>löst av {who}</translation>
    </message>
    <message>
        <source>On “{quote}”</source>
        <translation>Om ”{quote}”</translation>
    </message>
    <message>
        <source>Reo&amp;pen</source>
        <translation>Åter&amp;öppna</translation>
    </message>
    <message>
        <source>The passage is gone; it read “{quote}”</source>
        <translation>Stycket finns inte längre; det löd ”{quote}”</translation>
    </message>
    <message>
        <source>Not sent: {reason}</source>
        <translation>Inte skickat: {reason}</translation>
    </message>
    <message>
        <source>&amp;Flag…</source>
        <translation>&amp;Flagga…</translation>
    </message>
    <message>
        <source>Flag &amp;inbox</source>
        <translation>&amp;Inkorg för flaggor</translation>
    </message>
    <message>
        <source>Flag inbox</source>
        <translation>Inkorg för flaggor</translation>
    </message>
    <message numerus="yes">
        <source>%n flag(s)</source>
        <translation>
            <numerusform>%n flagga</numerusform>
            <numerusform>%n flaggor</numerusform>
        </translation>
    </message>
    <message>
        <source>No flags</source>
        <translation>Inga flaggor</translation>
    </message>
    <message>
        <source>Open flags on your documents (Ctrl+Shift+I)</source>
        <translation>Öppna flaggor på dina dokument (Ctrl+Shift+I)</translation>
    </message>
    <message>
        <source>The flagged passage is gone; it read “{quote}”</source>
        <translation>Det flaggade stycket finns inte längre; det löd ”{quote}”</translation>
    </message>
    <message>
        <source>Flagged: the owner is told</source>
        <translation>Flaggat: ägaren får veta</translation>
    </message>
    <message>
        <source>Flagged: sent when online</source>
        <translation>Flaggat: skickas när du är online</translation>
    </message>
    <message>
        <source>Flag not saved: {reason}</source>
        <translation>Flaggan sparades inte: {reason}</translation>
    </message>
    <message>
        <source>Someone else changed this flag meanwhile; it shows its state now.</source>
        <translation>Någon annan ändrade flaggan under tiden; den visar sitt nuvarande läge.</translation>
    </message>
    <message>
        <source>the owner is on it ({who})</source>
        <translation>ägaren tittar på det ({who})</translation>
    </message>
    <message numerus="yes">
        <source>(+%n more)</source>
        <translation>
            <numerusform>(+%n till)</numerusform>
            <numerusform>(+%n till)</numerusform>
        </translation>
    </message>
    <message>
        <source>Open flags</source>
        <translation>Öppna flaggor</translation>
    </message>
    <message>
        <source>Reported problems; the owner has been told:</source>
        <translation>Rapporterade problem; ägaren har fått veta:</translation>
    </message>
    <message>
        <source>&amp;Outdated</source>
        <translation>&amp;Inaktuellt</translation>
    </message>
    <message>
        <source>&amp;Incorrect</source>
        <translation>&amp;Felaktigt</translation>
    </message>
    <message>
        <source>&amp;Unclear</source>
        <translation>&amp;Otydligt</translation>
    </message>
    <message>
        <source>&amp;Missing information</source>
        <translation>&amp;Information saknas</translation>
    </message>
    <message>
        <source>O&amp;ther</source>
        <translation>&amp;Annat</translation>
    </message>
    <message>
        <source>Low</source>
        <comment>urgency</comment>
        <translation>Låg</translation>
    </message>
    <message>
        <source>Normal</source>
        <comment>urgency</comment>
        <translation>Normal</translation>
    </message>
    <message>
        <source>High: callers get a wrong answer</source>
        <translation>Hög: de som ringer får fel svar</translation>
    </message>
    <message>
        <source>Flag document</source>
        <translation>Flagga dokument</translation>
    </message>
    <message>
        <source>Flag &lt;b&gt;{title}&lt;/b&gt; for its owner:</source>
        <translation>Flagga &lt;b&gt;{title}&lt;/b&gt; för ägaren:</translation>
    </message>
    <message>
        <source>Flag &lt;b&gt;{title}&lt;/b&gt; for its owner (the whole document):</source>
        <translation>Flagga &lt;b&gt;{title}&lt;/b&gt; för ägaren (hela dokumentet):</translation>
    </message>
    <message>
        <source>What is wrong, or what callers are told instead (optional)</source>
        <translation>Vad som är fel, eller vad de som ringer får veta i stället (valfritt)</translation>
    </message>
    <message>
        <source>Enter flags it; Shift+Enter starts a new line</source>
        <translation>Enter flaggar; Shift+Enter ger en ny rad</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Orsak</translation>
    </message>
    <message>
        <source>&amp;Note</source>
        <translation>&amp;Anteckning</translation>
    </message>
    <message>
        <source>Ur&amp;gency</source>
        <translation>&amp;Brådska</translation>
    </message>
    <message>
        <source>&amp;Flag</source>
        <translation>&amp;Flagga</translation>
    </message>
    <message>
        <source>Not flagged: {reason}</source>
        <translation>Inte flaggat: {reason}</translation>
    </message>
    <message>
        <source>▲ High</source>
        <translation>▲ Hög</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>Dokument</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Av</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>Skapad</translation>
    </message>
    <message>
        <source>To acknowledge</source>
        <translation>Till kvittens</translation>
    </message>
    <message>
        <source>To resolve</source>
        <translation>Till åtgärd</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n} h</translation>
    </message>
    <message>
        <source>{n} d</source>
        <translation>{n} d</translation>
    </message>
    <message>
        <source>Open flags on your documents</source>
        <translation>Öppna flaggor på dina dokument</translation>
    </message>
    <message>
        <source>No open flags on your documents.</source>
        <translation>Inga öppna flaggor på dina dokument.</translation>
    </message>
    <message>
        <source>Resolution or reason (told to the person who flagged it)</source>
        <translation>Åtgärd eller skäl (meddelas den som flaggade)</translation>
    </message>
    <message>
        <source>&amp;Acknowledge</source>
        <translation>&amp;Kvittera</translation>
    </message>
    <message>
        <source>Tell them you are on it; readers still see the flag</source>
        <translation>Meddela att du tittar på det; läsarna ser fortfarande flaggan</translation>
    </message>
    <message>
        <source>&amp;Resolve</source>
        <translation>&amp;Åtgärdad</translation>
    </message>
    <message>
        <source>Fixed: the flag closes and the banner goes for everyone</source>
        <translation>Rättat: flaggan stängs och banderollen försvinner för alla</translation>
    </message>
    <message>
        <source>&amp;Dismiss</source>
        <translation>&amp;Avfärda</translation>
    </message>
    <message>
        <source>Not a problem: closes the flag, with your reason</source>
        <translation>Inget problem: stänger flaggan, med ditt skäl</translation>
    </message>
    <message>
        <source>Open flags on documents you own or edit: most urgent first, then oldest. Click one to open the document at the flagged passage.</source>
        <translation>Öppna flaggor på dokument du äger eller redigerar: mest brådskande först, sedan äldst. Klicka på en för att öppna dokumentet vid det flaggade stycket.</translation>
    </message>
    <message>
        <source>&amp;My documents</source>
        <translation>&amp;Mina dokument</translation>
    </message>
    <message>
        <source>Review &amp;due</source>
        <translation>Dags för &amp;översyn</translation>
    </message>
    <message>
        <source>The flagged passage is gone; it read: &lt;i&gt;“{quote}”&lt;/i&gt;</source>
        <translation>Det flaggade stycket finns inte längre; det löd: &lt;i&gt;”{quote}”&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Passage: &lt;i&gt;“{quote}”&lt;/i&gt;</source>
        <translation>Stycke: &lt;i&gt;”{quote}”&lt;/i&gt;</translation>
    </message>
    <message>
        <source>The whole document</source>
        <translation>Hela dokumentet</translation>
    </message>
    <message>
        <source>Not sent yet</source>
        <translation>Inte skickat ännu</translation>
    </message>
    <message>
        <source>Not changed: {reason}</source>
        <translation>Inte ändrat: {reason}</translation>
    </message>
    <message>
        <source>All &amp;flags</source>
        <translation>Alla &amp;flaggor</translation>
    </message>
    <message>
        <source>{counts} · median time to resolve: {median}</source>
        <translation>{counts} · mediantid till åtgärd: {median}</translation>
    </message>
    <message>
        <source>(from this computer; asking the server)</source>
        <translation>(från den här datorn; frågar servern)</translation>
    </message>
    <message>
        <source>Only you see these notes.</source>
        <translation>Bara du ser de här anteckningarna.</translation>
    </message>
    <message>
        <source>My private notes</source>
        <translation>Mina privata anteckningar</translation>
    </message>
    <message>
        <source>A private note (e.g. what to tell callers)</source>
        <translation>En privat anteckning (t.ex. vad du säger till de som ringer)</translation>
    </message>
    <message>
        <source>&amp;Add note</source>
        <translation>&amp;Lägg till anteckning</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Spara</translation>
    </message>
    <message>
        <source>De&amp;lete</source>
        <translation>&amp;Ta bort</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>nyss</translation>
    </message>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>för %n min sedan</numerusform>
            <numerusform>för %n min sedan</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>för %n h sedan</numerusform>
            <numerusform>för %n h sedan</numerusform>
        </translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation>i går</translation>
    </message>
    <message numerus="yes">
        <source>%n days ago</source>
        <translation>
            <numerusform>för %n dag sedan</numerusform>
            <numerusform>för %n dagar sedan</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n months ago</source>
        <translation>
            <numerusform>för %n månad sedan</numerusform>
            <numerusform>för %n månader sedan</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n years ago</source>
        <translation>
            <numerusform>för %n år sedan</numerusform>
            <numerusform>för %n år sedan</numerusform>
        </translation>
    </message>
    <message>
        <source>rep</source>
        <translation>handläggare</translation>
    </message>
    <message>
        <source>owner</source>
        <translation>ägare</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>arbetsledare</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>administratör</translation>
    </message>
    <message>
        <source>reps</source>
        <translation>handläggare</translation>
    </message>
    <message>
        <source>owners</source>
        <translation>ägare</translation>
    </message>
    <message>
        <source>supervisors</source>
        <translation>arbetsledare</translation>
    </message>
    <message>
        <source>admins</source>
        <translation>administratörer</translation>
    </message>
    <message>
        <source>everyone</source>
        <translation>alla</translation>
    </message>
    <message>
        <source>System</source>
        <translation>Systemets</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Ljust</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Mörkt</translation>
    </message>
    <message>
        <source>new</source>
        <comment>a marker</comment>
        <translation>ny</translation>
    </message>
    <message>
        <source>Documents by topic</source>
        <translation>Dokument per ämne</translation>
    </message>
    <message>
        <source>Other</source>
        <comment>a topic</comment>
        <translation>Övrigt</translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation>Fästa</translation>
    </message>
    <message>
        <source>Recently viewed</source>
        <translation>Senast visade</translation>
    </message>
    <message numerus="yes">
        <source>%n document(s)</source>
        <translation>
            <numerusform>%n dokument</numerusform>
            <numerusform>%n dokument</numerusform>
        </translation>
    </message>
    <message>
        <source>Topics: {topics}</source>
        <translation>Ämnen: {topics}</translation>
    </message>
    <message>
        <source>Owner: {who}</source>
        <translation>Ägare: {who}</translation>
    </message>
    <message>
        <source>Status: {status}</source>
        <translation>Status: {status}</translation>
    </message>
    <message>
        <source>New since you last looked</source>
        <translation>Nytt sedan du senast tittade</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Ändrat</translation>
    </message>
    <message>
        <source>not in your topics</source>
        <translation>inte i dina ämnen</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>Sökresultat</translation>
    </message>
    <message>
        <source>The search index is still being built; some answers may be missing.</source>
        <translation>Sökindexet byggs fortfarande; en del svar kan saknas.</translation>
    </message>
    <message>
        <source>Nothing found for “{query}”.</source>
        <translation>Inget hittades för ”{query}”.</translation>
    </message>
    <message>
        <source>Enter opens · ↑↓ move · Esc clears</source>
        <translation>Enter öppnar · ↑↓ flyttar · Esc rensar</translation>
    </message>
    <message>
        <source>&amp;Pin</source>
        <translation>&amp;Fäst</translation>
    </message>
    <message>
        <source>Keep it at the top of the sidebar (Ctrl+D)</source>
        <translation>Håll det överst i sidopanelen (Ctrl+D)</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>&amp;Bakåt</translation>
    </message>
    <message>
        <source>&amp;Forward</source>
        <translation>&amp;Framåt</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Gå</translation>
    </message>
    <message>
        <source>Pinned: it stays at the top of the sidebar (Ctrl+{n})</source>
        <translation>Fäst: det ligger kvar överst i sidopanelen (Ctrl+{n})</translation>
    </message>
    <message>
        <source>No longer pinned</source>
        <translation>Inte längre fäst</translation>
    </message>
    <message>
        <source>Un&amp;pin</source>
        <translation>Lossa &amp;fästet</translation>
    </message>
    <message>
        <source>Pinned: none yet (Ctrl+D pins)</source>
        <translation>Fästa: inga ännu (Ctrl+D fäster)</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Aviseringar</translation>
    </message>
    <message numerus="yes">
        <source>%n unread notification(s) (Ctrl+Shift+N)</source>
        <translation>
            <numerusform>%n oläst avisering (Ctrl+Shift+N)</numerusform>
            <numerusform>%n olästa aviseringar (Ctrl+Shift+N)</numerusform>
        </translation>
    </message>
    <message>
        <source>Notifications (Ctrl+Shift+N)</source>
        <translation>Aviseringar (Ctrl+Shift+N)</translation>
    </message>
    <message>
        <source>Notifications, newest first</source>
        <translation>Aviseringar, nyaste först</translation>
    </message>
    <message>
        <source>Nothing yet. You are told here when someone flags, comments on or mentions you in a document you follow.</source>
        <translation>Inget ännu. Här får du veta när någon flaggar, kommenterar eller nämner dig i ett dokument du bevakar.</translation>
    </message>
    <message>
        <source>&amp;Mark read</source>
        <translation>&amp;Markera som läst</translation>
    </message>
    <message>
        <source>Mark &amp;all read</source>
        <translation>Markera &amp;alla som lästa</translation>
    </message>
    <message>
        <source>On a call</source>
        <translation>I samtal</translation>
    </message>
    <message>
        <source>Hold pop-ups while you are on a call; the bell still counts (Ctrl+Shift+Q)</source>
        <translation>Håll inne popup-fönster medan du är i samtal; klockan räknar ändå (Ctrl+Shift+Q)</translation>
    </message>
    <message>
        <source>&amp;Notifications</source>
        <translation>&amp;Aviseringar</translation>
    </message>
    <message>
        <source>On a &amp;call (hold pop-ups)</source>
        <translation>I &amp;samtal (håll inne popup-fönster)</translation>
    </message>
    <message>
        <source>Newest: {text}</source>
        <translation>Senaste: {text}</translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s) during your call</source>
        <translation>
            <numerusform>%n avisering under ditt samtal</numerusform>
            <numerusform>%n aviseringar under ditt samtal</numerusform>
        </translation>
    </message>
    <message>
        <source>a document</source>
        <translation>ett dokument</translation>
    </message>
    <message>
        <source>someone</source>
        <translation>någon</translation>
    </message>
    <message>
        <source>{who} is editing {title}</source>
        <translation>{who} redigerar {title}</translation>
    </message>
    <message>
        <source>{who} changed {title} (published since)</source>
        <translation>{who} ändrade {title} (publicerat sedan dess)</translation>
    </message>
    <message>
        <source>{who} changed {title} (not published yet)</source>
        <translation>{who} ändrade {title} (inte publicerat ännu)</translation>
    </message>
    <message>
        <source>{who} mentioned you on {title}</source>
        <translation>{who} nämnde dig i {title}</translation>
    </message>
    <message>
        <source>{who} replied on {title}</source>
        <translation>{who} svarade i {title}</translation>
    </message>
    <message>
        <source>{who} commented on {title}</source>
        <translation>{who} kommenterade {title}</translation>
    </message>
    <message>
        <source>{who} resolved your comment on {title}</source>
        <translation>{who} löste din kommentar i {title}</translation>
    </message>
    <message>
        <source>{who} asks you to review {title}</source>
        <translation>{who} ber dig granska {title}</translation>
    </message>
    <message>
        <source>{who} approved {title}: readers see version {rev} now</source>
        <translation>{who} godkände {title}: läsarna ser version {rev} nu</translation>
    </message>
    <message>
        <source>{who} sent {title} back</source>
        <translation>{who} skickade tillbaka {title}</translation>
    </message>
    <message>
        <source>Reminder: please read and acknowledge version {rev} of {title}</source>
        <translation>Påminnelse: läs och kvittera version {rev} av {title}</translation>
    </message>
    <message numerus="yes">
        <source>%n reader(s) have not acknowledged version {rev} of {title} by its due time</source>
        <translation>
            <numerusform>%n läsare har inte kvitterat version {rev} av {title} i tid</numerusform>
            <numerusform>%n läsare har inte kvitterat version {rev} av {title} i tid</numerusform>
        </translation>
    </message>
    <message>
        <source>{title} is due for review: is it still right? Mark it as still correct, or publish a new version.</source>
        <translation>{title} ska ses över: stämmer det fortfarande? Markera som fortfarande korrekt eller publicera en ny version.</translation>
    </message>
    <message>
        <source>New version of {title}</source>
        <translation>Ny version av {title}</translation>
    </message>
    <message>
        <source>changed: {sections}</source>
        <translation>ändrat: {sections}</translation>
    </message>
    <message>
        <source>the introduction</source>
        <translation>inledningen</translation>
    </message>
    <message>
        <source>{who} flagged {title} as {reason}</source>
        <translation>{who} flaggade {title} som {reason}</translation>
    </message>
    <message>
        <source>A flag on {title} waits for an answer ({reason})</source>
        <translation>En flagga på {title} väntar på svar ({reason})</translation>
    </message>
    <message>
        <source>{who} reopened the flag on {title}</source>
        <translation>{who} öppnade flaggan på {title} igen</translation>
    </message>
    <message>
        <source>{who} is looking into the flag on {title}</source>
        <translation>{who} tittar på flaggan på {title}</translation>
    </message>
    <message>
        <source>{who} resolved the flag on {title}</source>
        <translation>{who} åtgärdade flaggan på {title}</translation>
    </message>
    <message>
        <source>{who} dismissed the flag on {title}</source>
        <translation>{who} avfärdade flaggan på {title}</translation>
    </message>
    <message>
        <source>{who} changed the flag on {title}</source>
        <translation>{who} ändrade flaggan på {title}</translation>
    </message>
    <message>
        <source>&amp;New versions, flags and comments</source>
        <translation>&amp;Nya versioner, flaggor och kommentarer</translation>
    </message>
    <message>
        <source>&amp;All edits</source>
        <translation>&amp;Alla ändringar</translation>
    </message>
    <message>
        <source>&amp;Digest (a summary)</source>
        <translation>&amp;Sammandrag</translation>
    </message>
    <message>
        <source>&amp;Mentions only</source>
        <translation>Bara &amp;omnämnanden</translation>
    </message>
    <message>
        <source>&amp;Off</source>
        <translation>A&amp;v</translation>
    </message>
    <message>
        <source>De&amp;fault for my role</source>
        <translation>&amp;Standard för min roll</translation>
    </message>
    <message>
        <source>&amp;Watch</source>
        <translation>&amp;Bevaka</translation>
    </message>
    <message>
        <source>Open a document first</source>
        <translation>Öppna ett dokument först</translation>
    </message>
    <message>
        <source>Watching topic {topic}: {level}</source>
        <translation>Bevakar ämnet {topic}: {level}</translation>
    </message>
    <message>
        <source>Watching this document: {level}</source>
        <translation>Bevakar det här dokumentet: {level}</translation>
    </message>
    <message>
        <source>&amp;Watch topic “{topic}”</source>
        <translation>&amp;Bevaka ämnet ”{topic}”</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Ändringar</translation>
    </message>
    <message>
        <source>When</source>
        <translation>När</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Vem</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Vad</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detaljer</translation>
    </message>
    <message>
        <source>published</source>
        <comment>an audit event</comment>
        <translation>publicerade</translation>
    </message>
    <message>
        <source>submitted for review</source>
        <translation>skickade för granskning</translation>
    </message>
    <message>
        <source>approved and published</source>
        <translation>godkände och publicerade</translation>
    </message>
    <message>
        <source>sent back</source>
        <translation>skickades tillbaka</translation>
    </message>
    <message>
        <source>restored</source>
        <translation>återställde</translation>
    </message>
    <message>
        <source>archived</source>
        <comment>an audit event</comment>
        <translation>arkiverade</translation>
    </message>
    <message>
        <source>brought back</source>
        <translation>tog tillbaka från arkivet</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>bekräftade</translation>
    </message>
    <message>
        <source>changed who sees or edits it</source>
        <translation>ändrade vem som ser eller redigerar</translation>
    </message>
    <message>
        <source>created</source>
        <translation>skapade</translation>
    </message>
    <message>
        <source>Version {rev}</source>
        <translation>Version {rev}</translation>
    </message>
    <message>
        <source>the command line</source>
        <translation>kommandoraden</translation>
    </message>
    <message>
        <source>restored version {rev}</source>
        <translation>återställd version {rev}</translation>
    </message>
    <message>
        <source>History: {title}</source>
        <translation>Historik: {title}</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>Versioner</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>Jämför med</translation>
    </message>
    <message>
        <source>Show the whole te&amp;xt</source>
        <translation>Visa hela te&amp;xten</translation>
    </message>
    <message>
        <source>&amp;Restore this version…</source>
        <translation>&amp;Återställ den här versionen…</translation>
    </message>
    <message>
        <source>Publish this version again, as a new version</source>
        <translation>Publicera den här versionen igen, som en ny version</translation>
    </message>
    <message>
        <source>Compare &amp;with</source>
        <translation>&amp;Jämför med</translation>
    </message>
    <message>
        <source>&amp;Versions</source>
        <translation>&amp;Versioner</translation>
    </message>
    <message>
        <source>&amp;Audit trail</source>
        <translation>&amp;Händelselogg</translation>
    </message>
    <message>
        <source>Loading the history…</source>
        <translation>Hämtar historiken…</translation>
    </message>
    <message>
        <source>(console)</source>
        <translation>(konsolen)</translation>
    </message>
    <message numerus="yes">
        <source>%n unpublished</source>
        <translation>
            <numerusform>%n opublicerad ändring</numerusform>
            <numerusform>%n opublicerade ändringar</numerusform>
        </translation>
    </message>
    <message>
        <source>same as the latest version</source>
        <translation>samma som senaste versionen</translation>
    </message>
    <message>
        <source>Working copy · {state}</source>
        <translation>Arbetskopia · {state}</translation>
    </message>
    <message>
        <source>Changed by {who}</source>
        <translation>Ändrad av {who}</translation>
    </message>
    <message>
        <source>The version before it</source>
        <translation>Versionen före</translation>
    </message>
    <message>
        <source>No published version yet: this is a draft.</source>
        <translation>Ingen publicerad version ännu: det här är ett utkast.</translation>
    </message>
    <message>
        <source>The working copy</source>
        <translation>Arbetskopian</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt;: the first version</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;: första versionen</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; compared with version {rev}</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; jämfört med version {rev}</translation>
    </message>
    <message>
        <source>Loading the text…</source>
        <translation>Hämtar texten…</translation>
    </message>
    <message>
        <source>Restore version {rev} of “{title}”? Its text replaces the working copy and is published again as a new version. History stays.</source>
        <translation>Återställa version {rev} av ”{title}”? Dess text ersätter arbetskopian och publiceras igen som en ny version. Historiken finns kvar.</translation>
    </message>
    <message>
        <source>Restore version {rev} of “{title}”? Its text replaces the working copy and is submitted for review. History stays.</source>
        <translation>Återställa version {rev} av ”{title}”? Dess text ersätter arbetskopian och skickas för granskning. Historiken finns kvar.</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Återställ</translation>
    </message>
    <message>
        <source>Restoring version {rev}…</source>
        <translation>Återställer version {rev}…</translation>
    </message>
    <message>
        <source>Published: readers see the new version now</source>
        <translation>Publicerat: läsarna ser den nya versionen nu</translation>
    </message>
    <message>
        <source>Submitted: a supervisor reviews it</source>
        <translation>Skickat: en arbetsledare granskar det</translation>
    </message>
    <message>
        <source>Review sent</source>
        <translation>Granskningen är skickad</translation>
    </message>
    <message>
        <source>Restored</source>
        <translation>Återställt</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Klart</translation>
    </message>
    <message>
        <source>Verified: its review clock starts again</source>
        <translation>Bekräftat: tiden till nästa översyn börjar om</translation>
    </message>
    <message>
        <source>Not published</source>
        <translation>Inte publicerat</translation>
    </message>
    <message>
        <source>Not submitted</source>
        <translation>Inte skickat</translation>
    </message>
    <message>
        <source>Review not sent</source>
        <translation>Granskningen skickades inte</translation>
    </message>
    <message>
        <source>Not restored</source>
        <translation>Inte återställt</translation>
    </message>
    <message>
        <source>Not changed</source>
        <translation>Inte ändrat</translation>
    </message>
    <message>
        <source>Not verified</source>
        <translation>Inte bekräftat</translation>
    </message>
    <message>
        <source>&amp;Publish…</source>
        <translation>&amp;Publicera…</translation>
    </message>
    <message>
        <source>&amp;History…</source>
        <translation>&amp;Historik…</translation>
    </message>
    <message>
        <source>&amp;Mark as still correct</source>
        <translation>&amp;Markera som fortfarande korrekt</translation>
    </message>
    <message>
        <source>Confirm it is still right: its review clock starts again</source>
        <translation>Bekräfta att det fortfarande stämmer: tiden till nästa översyn börjar om</translation>
    </message>
    <message>
        <source>&amp;Archive…</source>
        <translation>&amp;Arkivera…</translation>
    </message>
    <message>
        <source>&amp;Review queue</source>
        <translation>&amp;Granskningskö</translation>
    </message>
    <message>
        <source>&amp;Submit for review…</source>
        <translation>&amp;Skicka för granskning…</translation>
    </message>
    <message>
        <source>&amp;Bring back</source>
        <translation>&amp;Ta tillbaka från arkivet</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>Bekräftar…</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>Arkivera</translation>
    </message>
    <message>
        <source>Archive “{title}”? Readers no longer see it; it stays in history and can be brought back.</source>
        <translation>Arkivera ”{title}”? Läsarna ser det inte längre; det finns kvar i historiken och kan tas tillbaka.</translation>
    </message>
    <message>
        <source>Bringing it back…</source>
        <translation>Tar tillbaka från arkivet…</translation>
    </message>
    <message>
        <source>Archiving…</source>
        <translation>Arkiverar…</translation>
    </message>
    <message>
        <source>Submit for review</source>
        <translation>Skicka för granskning</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>Publicera</translation>
    </message>
    <message>
        <source>A supervisor reviews &lt;b&gt;{title}&lt;/b&gt; and publishes it. Until then readers keep version {rev}.</source>
        <translation>En arbetsledare granskar &lt;b&gt;{title}&lt;/b&gt; och publicerar. Till dess ser läsarna version {rev}.</translation>
    </message>
    <message>
        <source>A supervisor reviews &lt;b&gt;{title}&lt;/b&gt; and publishes it. Until then readers see nothing (it is a draft).</source>
        <translation>En arbetsledare granskar &lt;b&gt;{title}&lt;/b&gt; och publicerar. Till dess ser läsarna ingenting (det är ett utkast).</translation>
    </message>
    <message>
        <source>Its readers</source>
        <translation>Läsarna</translation>
    </message>
    <message>
        <source>{who} will see &lt;b&gt;version {rev}&lt;/b&gt; of &lt;b&gt;{title}&lt;/b&gt; at once; open copies update on screen.</source>
        <translation>{who} ser &lt;b&gt;version {rev}&lt;/b&gt; av &lt;b&gt;{title}&lt;/b&gt; direkt; öppna kopior uppdateras på skärmen.</translation>
    </message>
    <message>
        <source>What changed, in a few words (readers see this)</source>
        <translation>Vad som ändrats, med några ord (läsarna ser detta)</translation>
    </message>
    <message>
        <source>A word for the reviewer (optional)</source>
        <translation>Några ord till granskaren (valfritt)</translation>
    </message>
    <message>
        <source>Change note</source>
        <translation>Ändringsnotering</translation>
    </message>
    <message>
        <source>&amp;Submit for review</source>
        <translation>&amp;Skicka för granskning</translation>
    </message>
    <message>
        <source>&amp;Publish</source>
        <translation>&amp;Publicera</translation>
    </message>
    <message>
        <source>Nothing to publish: the working copy is version {rev}.</source>
        <translation>Inget att publicera: arbetskopian är version {rev}.</translation>
    </message>
    <message>
        <source>The first version: everything below is new to readers.</source>
        <translation>Första versionen: allt nedan är nytt för läsarna.</translation>
    </message>
    <message>
        <source>new title</source>
        <translation>ny rubrik</translation>
    </message>
    <message>
        <source>Changes since version {rev}: {summary}</source>
        <translation>Ändringar sedan version {rev}: {summary}</translation>
    </message>
    <message>
        <source>You are offline: this needs the server. It shows again when you are online.</source>
        <translation>Du är offline: det här kräver servern. Det visas igen när du är online.</translation>
    </message>
    <message>
        <source>The connection dropped before the server answered. Try again when online.</source>
        <translation>Anslutningen bröts innan servern svarade. Försök igen när du är online.</translation>
    </message>
    <message>
        <source>Not available: it is gone, or no longer shared with you.</source>
        <translation>Inte tillgängligt: det är borttaget eller delas inte längre med dig.</translation>
    </message>
    <message>
        <source>Not allowed.</source>
        <translation>Inte tillåtet.</translation>
    </message>
    <message>
        <source>The server could not answer.</source>
        <translation>Servern kunde inte svara.</translation>
    </message>
    <message>
        <source>Documents due for review: check that they are still right, then mark them as still correct (or publish a new version).</source>
        <translation>Dokument som ska ses över: kontrollera att de fortfarande stämmer och markera dem som fortfarande korrekta (eller publicera en ny version).</translation>
    </message>
    <message>
        <source>Documents due for review</source>
        <translation>Dokument som ska ses över</translation>
    </message>
    <message>
        <source>Nothing is due for review in the next two weeks.</source>
        <translation>Inget ska ses över de närmaste två veckorna.</translation>
    </message>
    <message>
        <source>Mark as still &amp;correct</source>
        <translation>Markera som fortfarande &amp;korrekt</translation>
    </message>
    <message>
        <source>It is still right: its review clock starts again</source>
        <translation>Det stämmer fortfarande: tiden till nästa översyn börjar om</translation>
    </message>
    <message>
        <source>No owner</source>
        <translation>Ingen ägare</translation>
    </message>
    <message>
        <source>Review queue</source>
        <translation>Granskningskö</translation>
    </message>
    <message>
        <source>Submitted for review</source>
        <translation>Skickat för granskning</translation>
    </message>
    <message>
        <source>Nothing waits for review.</source>
        <translation>Inget väntar på granskning.</translation>
    </message>
    <message>
        <source>Comment for the owner (needed to send it back)</source>
        <translation>Kommentar till ägaren (krävs för att skicka tillbaka)</translation>
    </message>
    <message>
        <source>Review comment</source>
        <translation>Granskningskommentar</translation>
    </message>
    <message>
        <source>&amp;Approve and publish</source>
        <translation>&amp;Godkänn och publicera</translation>
    </message>
    <message>
        <source>Send &amp;back</source>
        <translation>Skicka &amp;tillbaka</translation>
    </message>
    <message>
        <source>&amp;Open document</source>
        <translation>&amp;Öppna dokumentet</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>&amp;Uppdatera</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>väntar</translation>
    </message>
    <message>
        <source>Choose a submission to see what it changes.</source>
        <translation>Välj ett inskickat dokument för att se vad det ändrar.</translation>
    </message>
    <message>
        <source>&lt;b&gt;{title}&lt;/b&gt;, submitted by {who} {when}</source>
        <translation>&lt;b&gt;{title}&lt;/b&gt;, inskickat av {who} {when}</translation>
    </message>
    <message>
        <source>Sent back by {who}: “{note}”</source>
        <translation>Skickat tillbaka av {who}: ”{note}”</translation>
    </message>
    <message>
        <source>Compared with version {rev}: {summary}</source>
        <translation>Jämfört med version {rev}: {summary}</translation>
    </message>
    <message>
        <source>Compared with nothing published yet: {summary}</source>
        <translation>Jämfört med ingenting (inget publicerat ännu): {summary}</translation>
    </message>
    <message>
        <source>Publishing…</source>
        <translation>Publicerar…</translation>
    </message>
    <message>
        <source>Sending it back…</source>
        <translation>Skickar tillbaka…</translation>
    </message>
    <message>
        <source>Not done: {reason}</source>
        <translation>Inte gjort: {reason}</translation>
    </message>
    <message>
        <source>Submitting for review…</source>
        <translation>Skickar för granskning…</translation>
    </message>
    <message>
        <source>Sending the review…</source>
        <translation>Skickar granskningen…</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>Återställer…</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Skickar…</translation>
    </message>
    <message>
        <source>Publishing state</source>
        <translation>Publiceringsläge</translation>
    </message>
    <message>
        <source>Show changes</source>
        <translation>Visa ändringar</translation>
    </message>
    <message>
        <source>What readers would get: a word diff (Ctrl+Shift+H)</source>
        <translation>Vad läsarna skulle få: en jämförelse ord för ord (Ctrl+Shift+H)</translation>
    </message>
    <message>
        <source>Bring back</source>
        <translation>Ta tillbaka</translation>
    </message>
    <message>
        <source>Readers see it again</source>
        <translation>Läsarna ser det igen</translation>
    </message>
    <message>
        <source>Submit again…</source>
        <translation>Skicka igen…</translation>
    </message>
    <message>
        <source>Submit for review…</source>
        <translation>Skicka för granskning…</translation>
    </message>
    <message>
        <source>Publish…</source>
        <translation>Publicera…</translation>
    </message>
    <message>
        <source>A supervisor reviews it and publishes it</source>
        <translation>En arbetsledare granskar och publicerar det</translation>
    </message>
    <message>
        <source>Readers in its audience see it at once (Ctrl+Shift+P)</source>
        <translation>Läsarna i målgruppen ser det direkt (Ctrl+Shift+P)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Archived.&lt;/b&gt; Readers no longer see it; it stays in history.</source>
        <translation>&lt;b&gt;Arkiverat.&lt;/b&gt; Läsarna ser det inte längre; det finns kvar i historiken.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Submitted for review&lt;/b&gt; by {who} {when}: a supervisor publishes it.</source>
        <translation>&lt;b&gt;Skickat för granskning&lt;/b&gt; av {who} {when}: en arbetsledare publicerar det.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Sent back&lt;/b&gt; by {who}</source>
        <translation>&lt;b&gt;Skickat tillbaka&lt;/b&gt; av {who}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Draft.&lt;/b&gt; Only its editors and supervisors see it; readers see it once you publish it.</source>
        <translation>&lt;b&gt;Utkast.&lt;/b&gt; Bara dess redaktörer och arbetsledare ser det; läsarna ser det när du har publicerat det.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Draft.&lt;/b&gt; Only its editors and supervisors see it; readers see it once it is published.</source>
        <translation>&lt;b&gt;Utkast.&lt;/b&gt; Bara dess redaktörer och arbetsledare ser det; läsarna ser det när det har publicerats.</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;{changes}&lt;/b&gt;: readers do not see them yet.</source>
        <translation>
            <numerusform>&lt;b&gt;{changes}&lt;/b&gt;: läsarna ser den inte ännu.</numerusform>
            <numerusform>&lt;b&gt;{changes}&lt;/b&gt;: läsarna ser dem inte ännu.</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Copy this section</source>
        <translation>&amp;Kopiera det här avsnittet</translation>
    </message>
    <message>
        <source>The section under the caret, ready to paste</source>
        <translation>Avsnittet där markören står, klart att klistra in</translation>
    </message>
    <message>
        <source>Copy the &amp;whole answer</source>
        <translation>Kopiera &amp;hela svaret</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopiera</translation>
    </message>
    <message>
        <source>Copy the section under the caret (Ctrl+Shift+C)</source>
        <translation>Kopiera avsnittet där markören står (Ctrl+Shift+C)</translation>
    </message>
    <message>
        <source>Copied the whole answer, with changes not published yet: check before sending</source>
        <translation>Hela svaret kopierat, med ändringar som inte är publicerade än: kontrollera innan du skickar</translation>
    </message>
    <message>
        <source>Copied the whole answer: paste it into the chat or e-mail</source>
        <translation>Hela svaret är kopierat: klistra in det i chatten eller mejlet</translation>
    </message>
    <message>
        <source>Copied “{section}”, with changes not published yet: check before sending</source>
        <translation>”{section}” är kopierat, med ändringar som inte är publicerade än: kontrollera innan du skickar</translation>
    </message>
    <message>
        <source>Copied “{section}”: paste it into the chat or e-mail</source>
        <translation>”{section}” är kopierat: klistra in det i chatten eller mejlet</translation>
    </message>
    <message>
        <source>Draft</source>
        <comment>a badge</comment>
        <translation>Utkast</translation>
    </message>
    <message>
        <source>About this document</source>
        <translation>Om det här dokumentet</translation>
    </message>
    <message>
        <source>Change notice</source>
        <translation>Ändringsmeddelande</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Uppgifter</translation>
    </message>
    <message>
        <source>Title, topics, audience, owner and review (Alt+Enter)</source>
        <translation>Rubrik, ämnen, målgrupp, ägare och granskning (Alt+Enter)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historik</translation>
    </message>
    <message>
        <source>Every published version and what it changed (Ctrl+Shift+H)</source>
        <translation>Varje publicerad version och vad den ändrade (Ctrl+Shift+H)</translation>
    </message>
    <message>
        <source>Flag…</source>
        <translation>Flagga…</translation>
    </message>
    <message>
        <source>Tell the owner something is wrong or outdated (Ctrl+Shift+F)</source>
        <translation>Meddela ägaren att något är fel eller inaktuellt (Ctrl+Shift+F)</translation>
    </message>
    <message>
        <source>Archived</source>
        <comment>a badge</comment>
        <translation>Arkiverat</translation>
    </message>
    <message>
        <source>Not published: readers do not see it</source>
        <translation>Inte publicerat: läsarna ser det inte</translation>
    </message>
    <message>
        <source>Archived: readers no longer see it</source>
        <translation>Arkiverat: läsarna ser det inte längre</translation>
    </message>
    <message>
        <source>No topic</source>
        <translation>Inget ämne</translation>
    </message>
    <message>
        <source>owner {who}</source>
        <translation>ägare {who}</translation>
    </message>
    <message>
        <source>edited {when} by {who}</source>
        <translation>redigerat {when} av {who}</translation>
    </message>
    <message>
        <source>edited {when}</source>
        <translation>redigerat {when}</translation>
    </message>
    <message>
        <source>what changed</source>
        <translation>vad som ändrats</translation>
    </message>
    <message>
        <source>(reading)</source>
        <translation>(läser)</translation>
    </message>
    <message>
        <source>Also in this document now</source>
        <translation>Också i det här dokumentet nu</translation>
    </message>
    <message>
        <source>Done</source>
        <comment>leave editing</comment>
        <translation>Klar</translation>
    </message>
    <message>
        <source>Back to reading (Ctrl+E)</source>
        <translation>Tillbaka till läsläge (Ctrl+E)</translation>
    </message>
    <message>
        <source>Edit</source>
        <comment>start editing</comment>
        <translation>Redigera</translation>
    </message>
    <message>
        <source>Edit the Markdown source together with others (Ctrl+E)</source>
        <translation>Redigera Markdown-källan tillsammans med andra (Ctrl+E)</translation>
    </message>
    <message>
        <source>Markdown source</source>
        <translation>Markdown-källa</translation>
    </message>
    <message>
        <source>Find an answer</source>
        <translation>Hitta ett svar</translation>
    </message>
    <message>
        <source>Press &lt;b&gt;Ctrl+K&lt;/b&gt; and type, or pick a document on the left.</source>
        <translation>Tryck &lt;b&gt;Ctrl+K&lt;/b&gt; och skriv, eller välj ett dokument till vänster.</translation>
    </message>
    <message>
        <source>You can no longer edit this document</source>
        <translation>Du kan inte längre redigera det här dokumentet</translation>
    </message>
    <message>
        <source>“{title}” is gone</source>
        <translation>”{title}” finns inte längre</translation>
    </message>
    <message>
        <source>It was removed, or it is no longer shared with you.</source>
        <translation>Det har tagits bort eller delas inte längre med dig.</translation>
    </message>
    <message>
        <source>You may no longer edit this document; showing the published version</source>
        <translation>Du får inte längre redigera det här dokumentet; visar den publicerade versionen</translation>
    </message>
    <message>
        <source>Your last change was not saved; showing the server&apos;s copy</source>
        <translation>Din senaste ändring sparades inte; visar serverns kopia</translation>
    </message>
    <message>
        <source>{who} changed this just now</source>
        <translation>{who} ändrade det här nyss</translation>
    </message>
    <message>
        <source>A colleague changed this just now</source>
        <translation>En kollega ändrade det här nyss</translation>
    </message>
    <message>
        <source>{who} published version {rev}</source>
        <translation>{who} publicerade version {rev}</translation>
    </message>
    <message>
        <source>An administrator published version {rev}</source>
        <translation>En administratör publicerade version {rev}</translation>
    </message>
    <message>
        <source>What changed?</source>
        <translation>Vad har ändrats?</translation>
    </message>
    <message>
        <source>“{query}” is not in the text (it matched elsewhere)</source>
        <translation>”{query}” finns inte i texten (träffen var på annat ställe)</translation>
    </message>
    <message>
        <source>“{query}”: {n} of {total}  ·  F3 next  ·  Esc clears</source>
        <translation>”{query}”: {n} av {total}  ·  F3 nästa  ·  Esc rensar</translation>
    </message>
    <message>
        <source>&lt;b&gt;Demo&lt;/b&gt;: an embedded server at {address}. Every demo user&apos;s password is &lt;b&gt;{password}&lt;/b&gt;. File ▸ New window as… opens a colleague beside you.</source>
        <translation>&lt;b&gt;Demo&lt;/b&gt;: en inbyggd server på {address}. Alla demoanvändare har lösenordet &lt;b&gt;{password}&lt;/b&gt;. Arkiv ▸ Nytt fönster som… öppnar en kollega bredvid dig.</translation>
    </message>
    <message>
        <source>Cannot open the profile</source>
        <translation>Profilen kan inte öppnas</translation>
    </message>
    <message>
        <source>Same as the system ({language})</source>
        <translation>Samma som systemet ({language})</translation>
    </message>
    <message>
        <source>A new language shows after a restart</source>
        <translation>Ett nytt språk visas efter omstart</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Språk</translation>
    </message>
    <message>
        <source>The app will be in {language} the next time you start it.</source>
        <translation>Appen är på {language} nästa gång du startar den.</translation>
    </message>
    <message>
        <source>Quit (Ctrl+Q) and start the app again to switch now; nothing is lost.</source>
        <translation>Avsluta (Ctrl+Q) och starta appen igen för att byta nu; inget går förlorat.</translation>
    </message>
    <message>
        <source>You are offline. This needs the server; try again when the status bar says Online.</source>
        <translation>Du är offline. Det här kräver servern; försök igen när statusraden visar Online.</translation>
    </message>
    <message>
        <source>That id is taken. Choose another id.</source>
        <translation>Det id:t är upptaget. Välj ett annat.</translation>
    </message>
    <message>
        <source>Not saved: this document is no longer available to you.</source>
        <translation>Inte sparat: dokumentet är inte längre tillgängligt för dig.</translation>
    </message>
    <message>
        <source>The connection dropped before the server answered. Check whether it was saved, then try again.</source>
        <translation>Anslutningen bröts innan servern svarade. Kontrollera om det sparades och försök sedan igen.</translation>
    </message>
    <message>
        <source>Not saved: {reason}.</source>
        <translation>Inte sparat: {reason}.</translation>
    </message>
    <message>
        <source>you may not do that</source>
        <translation>du får inte göra det</translation>
    </message>
    <message>
        <source>the server refused it</source>
        <translation>servern avvisade det</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>Hitta</translation>
    </message>
    <message>
        <source>Search (type, ↑↓ to move, Enter to open, Esc to clear)</source>
        <translation>Sök (skriv, ↑↓ för att flytta, Enter för att öppna, Esc för att rensa)</translation>
    </message>
    <message>
        <source>Next / previous search word in the opened document</source>
        <translation>Nästa / föregående sökord i det öppna dokumentet</translation>
    </message>
    <message>
        <source>Clear the marked search words (in the document)</source>
        <translation>Rensa de markerade sökorden (i dokumentet)</translation>
    </message>
    <message>
        <source>My topics / all topics</source>
        <translation>Mina ämnen / alla ämnen</translation>
    </message>
    <message>
        <source>Back / forward through the documents you opened</source>
        <translation>Bakåt / framåt bland dokumenten du har öppnat</translation>
    </message>
    <message>
        <source>Pin the document (or unpin it)</source>
        <translation>Fäst dokumentet (eller lossa det)</translation>
    </message>
    <message>
        <source>Open pinned document 1 to 9</source>
        <translation>Öppna fäst dokument 1 till 9</translation>
    </message>
    <message>
        <source>Answering</source>
        <translation>Svara</translation>
    </message>
    <message>
        <source>Copy the section under the caret, ready to paste</source>
        <translation>Kopiera avsnittet där markören står, klart att klistra in</translation>
    </message>
    <message>
        <source>Copy the whole answer</source>
        <translation>Kopiera hela svaret</translation>
    </message>
    <message>
        <source>On a call: hold pop-ups (the bell still counts); again to end</source>
        <translation>I samtal: håll inne popup-fönster (klockan räknar ändå); igen för att avsluta</translation>
    </message>
    <message>
        <source>Must-reads and broadcasts</source>
        <translation>Obligatorisk läsning och driftmeddelanden</translation>
    </message>
    <message>
        <source>Next must-read: open the next document you must read</source>
        <translation>Nästa obligatoriska läsning: öppna nästa dokument du måste läsa</translation>
    </message>
    <message>
        <source>I have read this: acknowledge the open must-read</source>
        <translation>Jag har läst detta: kvittera den öppna obligatoriska läsningen</translation>
    </message>
    <message>
        <source>Since you last signed in: must-reads, broadcasts, new versions, flags</source>
        <translation>Sedan du senast loggade in: obligatorisk läsning, driftmeddelanden, nya versioner, flaggor</translation>
    </message>
    <message>
        <source>Must-reads and acknowledgements: who has read what (supervisors)</source>
        <translation>Obligatorisk läsning och kvittenser: vem som har läst vad (arbetsledare)</translation>
    </message>
    <message>
        <source>Send a broadcast: an early warning on every targeted screen (supervisors)</source>
        <translation>Skicka ett driftmeddelande: en tidig varning på varje berörd skärm (arbetsledare)</translation>
    </message>
    <message>
        <source>Editing</source>
        <translation>Redigera</translation>
    </message>
    <message>
        <source>New document (owners and supervisors)</source>
        <translation>Nytt dokument (ägare och arbetsledare)</translation>
    </message>
    <message>
        <source>Edit the document / back to reading</source>
        <translation>Redigera dokumentet / tillbaka till läsläge</translation>
    </message>
    <message>
        <source>Document details: title, topics; audience, owner, review</source>
        <translation>Dokumentuppgifter: rubrik, ämnen; målgrupp, ägare, granskning</translation>
    </message>
    <message>
        <source>Undo / redo your own changes (not colleagues&apos;)</source>
        <translation>Ångra / gör om dina egna ändringar (inte kollegornas)</translation>
    </message>
    <message>
        <source>Publishing</source>
        <translation>Publicera</translation>
    </message>
    <message>
        <source>Publish the working copy (or submit it for review)</source>
        <translation>Publicera arbetskopian (eller skicka den för granskning)</translation>
    </message>
    <message>
        <source>History: every published version, diffs, restore</source>
        <translation>Historik: varje publicerad version, jämförelser, återställning</translation>
    </message>
    <message>
        <source>What changed in the latest version</source>
        <translation>Vad som ändrats i senaste versionen</translation>
    </message>
    <message>
        <source>Review queue: documents submitted for review</source>
        <translation>Granskningskö: dokument som skickats för granskning</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>Återkoppling</translation>
    </message>
    <message>
        <source>Flag the document or the selected passage as wrong or outdated</source>
        <translation>Flagga dokumentet eller det markerade stycket som fel eller inaktuellt</translation>
    </message>
    <message>
        <source>Flag inbox: open flags on your documents (owners, supervisors)</source>
        <translation>Inkorg för flaggor: öppna flaggor på dina dokument (ägare, arbetsledare)</translation>
    </message>
    <message>
        <source>Notifications: newest first, mark read</source>
        <translation>Aviseringar: nyaste först, markera som lästa</translation>
    </message>
    <message>
        <source>Comments beside the document (again to hide)</source>
        <translation>Kommentarer bredvid dokumentet (igen för att dölja)</translation>
    </message>
    <message>
        <source>My private notes on the document (again to hide)</source>
        <translation>Mina privata anteckningar om dokumentet (igen för att dölja)</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Fönster</translation>
    </message>
    <message>
        <source>Bigger / smaller / normal text, everywhere in the app</source>
        <translation>Större / mindre / normal text, överallt i appen</translation>
    </message>
    <message>
        <source>This list</source>
        <translation>Den här listan</translation>
    </message>
    <message>
        <source>Close window, quit</source>
        <translation>Stäng fönstret, avsluta</translation>
    </message>
    <message>
        <source>Close a window beside the main one (notifications, inbox)</source>
        <translation>Stäng ett fönster bredvid huvudfönstret (aviseringar, inkorg)</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Kortkommandon</translation>
    </message>
    <message>
        <source>Comments</source>
        <translation>Kommentarer</translation>
    </message>
    <message>
        <source>My notes</source>
        <translation>Mina anteckningar</translation>
    </message>
    <message>
        <source>&amp;Comments</source>
        <translation>&amp;Kommentarer</translation>
    </message>
    <message>
        <source>My &amp;notes</source>
        <translation>Mina &amp;anteckningar</translation>
    </message>
    <message>
        <source>Not saved: {reason}</source>
        <translation>Inte sparat: {reason}</translation>
    </message>
    <message>
        <source>My topics</source>
        <translation>Mina ämnen</translation>
    </message>
    <message>
        <source>Only documents in your topics</source>
        <translation>Bara dokument inom dina ämnen</translation>
    </message>
    <message>
        <source>All topics</source>
        <translation>Alla ämnen</translation>
    </message>
    <message>
        <source>Everything you may read (Ctrl+Shift+T)</source>
        <translation>Allt du får läsa (Ctrl+Shift+T)</translation>
    </message>
    <message>
        <source>Search   Ctrl+K</source>
        <translation>Sök   Ctrl+K</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Sök</translation>
    </message>
    <message>
        <source>Give the server as ws://host:port or wss://host</source>
        <translation>Ange servern som ws://värd:port eller wss://värd</translation>
    </message>
    <message>
        <source>The port must be a number</source>
        <translation>Porten måste vara ett tal</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Logga in</translation>
    </message>
    <message>
        <source>Signing in…  (Esc stops)</source>
        <translation>Loggar in…  (Esc avbryter)</translation>
    </message>
    <message>
        <source>Your session ended; enter your password to go on.</source>
        <translation>Din session har upphört; ange ditt lösenord för att fortsätta.</translation>
    </message>
    <message>
        <source>Sign in to your knowledge base. Documents you sync stay readable offline.</source>
        <translation>Logga in i din kunskapsbank. Dokument du synkar går att läsa även offline.</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <source>&amp;User name</source>
        <translation>&amp;Användarnamn</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Lösenord</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <source>Too many failed sign-ins.</source>
        <translation>För många misslyckade inloggningar.</translation>
    </message>
    <message>
        <source>{reason} Try again in {seconds} s.</source>
        <translation>{reason} Försök igen om {seconds} s.</translation>
    </message>
    <message>
        <source>{reason} You can try again now.</source>
        <translation>{reason} Du kan försöka igen nu.</translation>
    </message>
    <message>
        <source>Give your user name</source>
        <translation>Ange ditt användarnamn</translation>
    </message>
    <message>
        <source>Give your password</source>
        <translation>Ange ditt lösenord</translation>
    </message>
    <message>
        <source>Stopped. Correct the details and sign in again, or Cancel.</source>
        <translation>Avbrutet. Rätta uppgifterna och logga in igen, eller Avbryt.</translation>
    </message>
    <message>
        <source>Wrong user name or password. Check both and try again.</source>
        <translation>Fel användarnamn eller lösenord. Kontrollera båda och försök igen.</translation>
    </message>
    <message>
        <source>{reason} Check the server address.</source>
        <translation>{reason} Kontrollera serveradressen.</translation>
    </message>
    <message>
        <source>This user&apos;s profile is open in another window or program. Close it first.</source>
        <translation>Användarens profil är öppen i ett annat fönster eller program. Stäng det först.</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Anslutning</translation>
    </message>
    <message>
        <source>Changes not yet sent</source>
        <translation>Ändringar som inte skickats ännu</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Ansluter…</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Synkar…</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Utloggad</translation>
    </message>
    <message>
        <source>Syncing {done} of {total} documents</source>
        <translation>Synkar {done} av {total} dokument</translation>
    </message>
    <message>
        <source>retrying in {seconds} s</source>
        <translation>försöker igen om {seconds} s</translation>
    </message>
    <message>
        <source>retrying…</source>
        <translation>försöker igen…</translation>
    </message>
    <message>
        <source>You can go on reading, searching and editing; changes are kept here and sent when the connection is back.</source>
        <translation>Du kan fortsätta läsa, söka och redigera; ändringar sparas här och skickas när anslutningen är tillbaka.</translation>
    </message>
    <message>
        <source>Connected: changes flow both ways as they happen.</source>
        <translation>Ansluten: ändringar går åt båda hållen direkt.</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Logga in…</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Försök igen nu</translation>
    </message>
    <message numerus="yes">
        <source>Sending %n change(s)…</source>
        <translation>
            <numerusform>Skickar %n ändring…</numerusform>
            <numerusform>Skickar %n ändringar…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) kept here, sent when online</source>
        <translation>
            <numerusform>%n ändring sparad här, skickas när du är online</numerusform>
            <numerusform>%n ändringar sparade här, skickas när du är online</numerusform>
        </translation>
    </message>
    <message>
        <source>Synced {when}</source>
        <translation>Synkad {when}</translation>
    </message>
    <message>
        <source>Not synced yet</source>
        <translation>Inte synkad ännu</translation>
    </message>
    <message>
        <source>Last complete sync: {moment}</source>
        <translation>Senaste fullständiga synk: {moment}</translation>
    </message>
    <message>
        <source>Rebuilding search index</source>
        <translation>Bygger om sökindexet</translation>
    </message>
    <message>
        <source>Indexing</source>
        <translation>Indexerar</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Stäng</translation>
    </message>
    <message>
        <source>Close this window (Esc)</source>
        <translation>Stäng det här fönstret (Esc)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Arkiv</translation>
    </message>
    <message>
        <source>New &amp;window as</source>
        <translation>Nytt &amp;fönster som</translation>
    </message>
    <message>
        <source>&amp;Close window</source>
        <translation>&amp;Stäng fönstret</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Avsluta</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Redigera</translation>
    </message>
    <message>
        <source>&amp;Undo my last change</source>
        <translation>&amp;Ångra min senaste ändring</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Gör om</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Sök…</translation>
    </message>
    <message>
        <source>&amp;Document</source>
        <translation>&amp;Dokument</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Visa</translation>
    </message>
    <message>
        <source>Show &amp;all topics</source>
        <translation>Visa &amp;alla ämnen</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Tema</translation>
    </message>
    <message>
        <source>&amp;Bigger text</source>
        <translation>&amp;Större text</translation>
    </message>
    <message>
        <source>&amp;Smaller text</source>
        <translation>&amp;Mindre text</translation>
    </message>
    <message>
        <source>&amp;Normal text size</source>
        <translation>&amp;Normal textstorlek</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>S&amp;pråk</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hjälp</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Kortkommandon</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>&amp;Om</translation>
    </message>
    <message>
        <source>Another user…</source>
        <translation>En annan användare…</translation>
    </message>
    <message>
        <source>Signed in as {name} · {role}</source>
        <translation>Inloggad som {name} · {role}</translation>
    </message>
    <message>
        <source>About</source>
        <translation>Om</translation>
    </message>
    <message>
        <source>Answers for the one-stop service centre: current to the second, searchable offline, edited together live.</source>
        <translation>Svar för kontaktcenter: aktuella på sekunden, sökbara offline, redigerade tillsammans i realtid.</translation>
    </message>
    <message>
        <source>Server: {address}</source>
        <translation>Server: {address}</translation>
    </message>
    <message>
        <source>Profile: {folder}</source>
        <translation>Profil: {folder}</translation>
    </message>
    <message numerus="yes">
        <source>%n d ago</source>
        <translation>
            <numerusform>för %n d sedan</numerusform>
            <numerusform>för %n d sedan</numerusform>
        </translation>
    </message>
    <message>
        <source>draft</source>
        <comment>a document&apos;s state</comment>
        <translation>utkast</translation>
    </message>
    <message>
        <source>published</source>
        <comment>a document&apos;s state</comment>
        <translation>publicerat</translation>
    </message>
    <message>
        <source>archived</source>
        <comment>a document&apos;s state</comment>
        <translation>arkiverat</translation>
    </message>
    <message>
        <source>outdated</source>
        <comment>a flag&apos;s reason</comment>
        <translation>inaktuellt</translation>
    </message>
    <message>
        <source>incorrect</source>
        <comment>a flag&apos;s reason</comment>
        <translation>felaktigt</translation>
    </message>
    <message>
        <source>unclear</source>
        <comment>a flag&apos;s reason</comment>
        <translation>otydligt</translation>
    </message>
    <message>
        <source>missing information</source>
        <comment>a flag&apos;s reason</comment>
        <translation>information saknas</translation>
    </message>
    <message>
        <source>other</source>
        <comment>a flag&apos;s reason</comment>
        <translation>annat</translation>
    </message>
    <message>
        <source>flagged as {reason} by {who} {when}</source>
        <translation>flaggat som {reason} av {who} {when}</translation>
    </message>
    <message>
        <source>review overdue since {date}</source>
        <translation>översyn försenad sedan {date}</translation>
    </message>
    <message>
        <source>verified {when} by {who}</source>
        <translation>bekräftat {when} av {who}</translation>
    </message>
    <message>
        <source>verified {when}</source>
        <translation>bekräftat {when}</translation>
    </message>
    <message numerus="yes">
        <source>review due in %n day(s)</source>
        <translation>
            <numerusform>översyn om %n dag</numerusform>
            <numerusform>översyn om %n dagar</numerusform>
        </translation>
    </message>
    <message>
        <source>version {rev}, published {when} by {who}</source>
        <translation>version {rev}, publicerad {when} av {who}</translation>
    </message>
    <message>
        <source>version {rev}, published {when}</source>
        <translation>version {rev}, publicerad {when}</translation>
    </message>
    <message numerus="yes">
        <source>%n unpublished change(s) by {who}</source>
        <translation>
            <numerusform>%n opublicerad ändring av {who}</numerusform>
            <numerusform>%n opublicerade ändringar av {who}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unpublished change(s)</source>
        <translation>
            <numerusform>%n opublicerad ändring</numerusform>
            <numerusform>%n opublicerade ändringar</numerusform>
        </translation>
    </message>
    <message>
        <source>open</source>
        <comment>a flag&apos;s state</comment>
        <translation>öppen</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <comment>a flag&apos;s state</comment>
        <translation>kvitterad</translation>
    </message>
    <message>
        <source>resolved</source>
        <comment>a flag&apos;s state</comment>
        <translation>åtgärdad</translation>
    </message>
    <message>
        <source>dismissed</source>
        <comment>a flag&apos;s state</comment>
        <translation>avfärdad</translation>
    </message>
    <message>
        <source>no changes</source>
        <translation>inga ändringar</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s)</source>
        <translation>
            <numerusform>%n ändring</numerusform>
            <numerusform>%n ändringar</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n word(s) added</source>
        <translation>
            <numerusform>%n ord tillagt</numerusform>
            <numerusform>%n ord tillagda</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n removed</source>
        <translation>
            <numerusform>%n borttaget</numerusform>
            <numerusform>%n borttagna</numerusform>
        </translation>
    </message>
</context>
</TS>
