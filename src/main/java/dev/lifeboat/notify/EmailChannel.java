package dev.lifeboat.notify;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/** Sends events as plain-text mail over SMTP; STARTTLS is required unless the config says otherwise. */
public final class EmailChannel implements Channel {
    private final SmtpSettings smtp;
    private final List<String> recipients;
    private final boolean onSuccess;

    public EmailChannel(SmtpSettings smtp, List<String> recipients, boolean onSuccess) {
        this.smtp = smtp;
        this.recipients = List.copyOf(recipients);
        this.onSuccess = onSuccess;
    }

    @Override
    public String describe() {
        return "email to " + String.join(", ", recipients) + " via " + smtp.host() + ":" + smtp.port();
    }

    @Override
    public boolean wants(Event event) {
        return event.kind() != Event.Kind.STARTED && (event.kind() != Event.Kind.SUCCESS || onSuccess);
    }

    @Override
    public void deliver(Event event) throws IOException {
        try {
            MimeMessage message = new MimeMessage(session());
            message.setFrom(new InternetAddress(smtp.from()));
            for (String to : recipients) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            message.setSubject("[lifeboat] " + event.task() + " of " + event.job() + " " + event.kind().key()
                    + " on " + event.host(), "UTF-8");
            message.setSentDate(Date.from(event.time()));
            message.setText(event.headline() + "\n\njob: " + event.job() + "\ntask: " + event.task() + "\nevent: "
                    + event.kind().key() + "\ntime: " + event.time() + "\nhost: " + event.host()
                    + event.backupId().map(id -> "\nbackup: " + id).orElse("") + "\n", "UTF-8");
            Transport.send(message);
        } catch (MessagingException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private Session session() {
        Properties props = new Properties();
        String timeout = Long.toString(smtp.timeout().toMillis());
        props.put("mail.smtp.host", smtp.host());
        props.put("mail.smtp.port", Integer.toString(smtp.port()));
        props.put("mail.smtp.connectiontimeout", timeout);
        props.put("mail.smtp.timeout", timeout);
        props.put("mail.smtp.writetimeout", timeout);
        props.put("mail.smtp.starttls.enable", Boolean.toString(smtp.startTls() != SmtpSettings.StartTls.OFF));
        props.put("mail.smtp.starttls.required", Boolean.toString(smtp.startTls() == SmtpSettings.StartTls.REQUIRED));
        props.put("mail.smtp.ssl.checkserveridentity", "true");
        if (smtp.username().isEmpty()) {
            return Session.getInstance(props);
        }
        props.put("mail.smtp.auth", "true");
        return Session.getInstance(props, new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(smtp.username().orElseThrow(), smtp.password().orElse(""));
            }
        });
    }
}
