<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name></name>
    <message numerus="yes">
        <source>%n must-reads arrived during your call</source>
        <translation>
            <numerusform>%n must-read arrived during your call</numerusform>
            <numerusform>%n must-reads arrived during your call</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>and %n more…</source>
        <translation>
            <numerusform>and %n more…</numerusform>
            <numerusform>and %n more…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Must-reads waiting for you (%n)</source>
        <translation>
            <numerusform>Must-reads waiting for you (%n)</numerusform>
            <numerusform>Must-reads waiting for you (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Active broadcasts (%n)</source>
        <translation>
            <numerusform>Active broadcasts (%n)</numerusform>
            <numerusform>Active broadcasts (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Published in your topics (%n)</source>
        <translation>
            <numerusform>Published in your topics (%n)</numerusform>
            <numerusform>Published in your topics (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Your flags (%n)</source>
        <translation>
            <numerusform>Your flags (%n)</numerusform>
            <numerusform>Your flags (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n notifications: open the notification centre</source>
        <translation>
            <numerusform>%n notification: open the notification centre</numerusform>
            <numerusform>%n notifications: open the notification centre</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n flag(s)</source>
        <translation>
            <numerusform>%n flag</numerusform>
            <numerusform>%n flags</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(+%n more)</source>
        <translation>
            <numerusform>(+%n more)</numerusform>
            <numerusform>(+%n more)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>%n min ago</numerusform>
            <numerusform>%n min ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>%n h ago</numerusform>
            <numerusform>%n h ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n days ago</source>
        <translation>
            <numerusform>%n day ago</numerusform>
            <numerusform>%n days ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n months ago</source>
        <translation>
            <numerusform>%n month ago</numerusform>
            <numerusform>%n months ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n years ago</source>
        <translation>
            <numerusform>%n year ago</numerusform>
            <numerusform>%n years ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n document(s)</source>
        <translation>
            <numerusform>%n document</numerusform>
            <numerusform>%n documents</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread notification(s) (Ctrl+Shift+N)</source>
        <translation>
            <numerusform>%n unread notification (Ctrl+Shift+N)</numerusform>
            <numerusform>%n unread notifications (Ctrl+Shift+N)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s) during your call</source>
        <translation>
            <numerusform>%n notification during your call</numerusform>
            <numerusform>%n notifications during your call</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unpublished</source>
        <translation>
            <numerusform>%n unpublished</numerusform>
            <numerusform>%n unpublished</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;{changes}&lt;/b&gt;: readers do not see them yet.</source>
        <translation>
            <numerusform>&lt;b&gt;{changes}&lt;/b&gt;: readers do not see it yet.</numerusform>
            <numerusform>&lt;b&gt;{changes}&lt;/b&gt;: readers do not see them yet.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sending %n change(s)…</source>
        <translation>
            <numerusform>Sending %n change…</numerusform>
            <numerusform>Sending %n changes…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) kept here, sent when online</source>
        <translation>
            <numerusform>%n change kept here, sent when online</numerusform>
            <numerusform>%n changes kept here, sent when online</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n d ago</source>
        <translation>
            <numerusform>%n d ago</numerusform>
            <numerusform>%n d ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>review due in %n day(s)</source>
        <translation>
            <numerusform>review due in %n day</numerusform>
            <numerusform>review due in %n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unpublished change(s) by {who}</source>
        <translation>
            <numerusform>%n unpublished change by {who}</numerusform>
            <numerusform>%n unpublished changes by {who}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unpublished change(s)</source>
        <translation>
            <numerusform>%n unpublished change</numerusform>
            <numerusform>%n unpublished changes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s)</source>
        <translation>
            <numerusform>%n change</numerusform>
            <numerusform>%n changes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n word(s) added</source>
        <translation>
            <numerusform>%n word added</numerusform>
            <numerusform>%n words added</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n removed</source>
        <translation>
            <numerusform>%n removed</numerusform>
            <numerusform>%n removed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n reader(s) have not acknowledged version {rev} of {title} by its due time</source>
        <translation>
            <numerusform>%n reader has not acknowledged version {rev} of {title} by its due time</numerusform>
            <numerusform>%n readers have not acknowledged version {rev} of {title} by its due time</numerusform>
        </translation>
    </message>
</context>
</TS>
