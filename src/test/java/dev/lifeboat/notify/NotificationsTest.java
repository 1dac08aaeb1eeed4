package dev.lifeboat.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import dev.lifeboat.testing.WebhookReceiver;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications from real job runs to real receivers: an HTTP server in this JVM for webhooks and
 * pings, GreenMail for SMTP. A failed delivery is retried, then logged, and never fails the job.
 */
class NotificationsTest {
    private final ObjectMapper json = new ObjectMapper();
    @TempDir
    Path dir;
    Cli cli;
    GreenMail mail;

    @BeforeEach
    void setUp() {
        cli = new Cli(dir.resolve("scratch"));
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
    }

    @AfterEach
    void tearDown() {
        mail.stop();
    }

    @Test
    void aFailedBackupReachesWebhooksPingAndEmail() throws Exception {
        try (WebhookReceiver generic = WebhookReceiver.ok(); WebhookReceiver slack = WebhookReceiver.ok();
             WebhookReceiver ping = WebhookReceiver.ok()) {
            Path config = config(dir.resolve("missing.db"), """
                        notify:
                          webhook:
                            - "%s"
                            - { url: "%s", format: slack }
                          ping: "%s"
                          email: ops@example.org
                    smtp: { host: 127.0.0.1, port: %d, from: lifeboat@example.org, starttls: optional }
                    """.formatted(generic.url("/hooks/T123"), slack.url("/slack"), ping.url("/ping/abc"),
                    mail.getSmtp().getPort()));
            Cli.Result result = cli.run("run", "shop", "--config", config.toString());
            assertEquals(3, result.exit(), "a missing source exits 3, as on the command line: " + result);

            JsonNode event = json.readTree(generic.next().body());
            assertEquals("failure", event.get("event").asText());
            assertEquals("shop", event.get("job").asText());
            assertEquals("backup", event.get("task").asText());
            assertTrue(event.get("message").asText().contains("missing.db"), event.toString());
            assertTrue(event.get("text").asText().startsWith("lifeboat on "), event.toString());

            JsonNode text = json.readTree(slack.next().body());
            assertEquals(1, text.size(), "Slack takes one text field: " + text);
            assertTrue(text.get("text").asText().startsWith(":rotating_light: lifeboat on "), text.toString());
            assertTrue(text.get("text").asText().contains("backup of shop FAILED"), text.toString());

            assertEquals("/ping/abc/start", ping.next().path());
            assertEquals("/ping/abc/fail", ping.next().path());

            assertTrue(mail.waitForIncomingEmail(20_000, 1));
            MimeMessage message = mail.getReceivedMessages()[0];
            assertTrue(message.getSubject().contains("backup of shop failure"), message.getSubject());
            assertEquals("ops@example.org", message.getAllRecipients()[0].toString());
            assertTrue(GreenMailUtil.getBody(message).contains("missing.db"), GreenMailUtil.getBody(message));
        }
    }

    @Test
    void failedDeliveriesAreRetriedThenLoggedAndNeverFailTheJob() throws Exception {
        Path db = dir.resolve("shop.db");
        TestDatabases.walWithUncheckpointedRows(db, 100).close();
        try (WebhookReceiver flaky = new WebhookReceiver(List.of(500), 200);
             WebhookReceiver broken = new WebhookReceiver(List.of(), 503)) {
            Path config = config(db, """
                        notify:
                          webhook: [ "%s", "%s" ]
                          email: ops@example.org
                          on-success: true
                          attempts: 2
                          backoff: 10ms
                    smtp: { host: 127.0.0.1, port: %d, from: lifeboat@example.org, starttls: required }
                    """.formatted(flaky.url("/flaky"), broken.url("/broken"), mail.getSmtp().getPort()));
            Cli.Result result = cli.run("run", "shop", "--config", config.toString());
            assertEquals(0, result.exit(), "failed notifications do not fail the backup: " + result);
            assertTrue(result.out().startsWith("backup of shop COMPLETED"), result.out());

            flaky.next();
            JsonNode delivered = json.readTree(flaky.next().body());
            assertEquals("success", delivered.get("event").asText(), "delivered on the second attempt");
            assertEquals(2, List.of(broken.next(), broken.next()).size());
            String log = result.err();
            assertTrue(log.contains("\"event\":\"notified\"") && log.contains("\"attempts\":2"), log);
            assertTrue(log.lines().anyMatch(l -> l.contains("\"event\":\"notification_failed\"")
                    && l.contains("HTTP 503")), log);
            assertTrue(log.lines().anyMatch(l -> l.contains("\"event\":\"notification_failed\"")
                    && l.contains("email to ops@example.org") && l.contains("STARTTLS")), log);
            assertEquals(0, mail.getReceivedMessages().length, "STARTTLS was required and not offered");
        }
    }

    private Path config(Path db, String extra) throws Exception {
        return Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  shop:
                    source: %s
                    repositories: [ %s ]
                    encryption: none
                %s""".formatted(db, dir.resolve("repo"), extra));
    }
}
