package io.runwarden.notify;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a failed SMTP exchange means for a notification. A 4xx reply is the server's "later" (greylisting, a full
 * mailbox, a busy server), and a server out of reach may come back: both are retried. A 5xx reply is final (no such
 * recipient, a refused sender, bad credentials): retrying sends the same thing to the same answer.
 */
final class SmtpOutcomes {
    private static final Pattern REPLY_CODE = Pattern.compile("^\\s*([2-5]\\d\\d)[\\s-]");
    /** A chain longer than this is not worth reading further (nor a cycle worth following). */
    private static final int MAX_CHAIN = 64;

    private SmtpOutcomes() {
    }

    static DeliveryOutcome of(MessagingException error, Redactor redactor) {
        if (error instanceof SendFailedException partial && sent(partial.getValidSentAddresses())) {
            return partly(partial, redactor);
        }
        List<Throwable> chain = chain(error);
        String later = null; // the first 4xx reply: the server's "not now"
        String never = null; // the first 5xx reply: its "no"
        boolean network = false;
        for (Throwable e : chain) {
            Integer code = code(e);
            if (code != null && code >= 400 && code < 500 && later == null) {
                later = reply(e.getMessage());
            } else if (code != null && code >= 500 && never == null) {
                never = reply(e.getMessage());
            }
            network |= e instanceof IOException;
        }
        if (later != null) {
            return DeliveryOutcome.retry(null, "SMTP " + redactor.clean(later), null);
        }
        if (never != null) {
            return DeliveryOutcome.failed(null, "SMTP " + redactor.clean(never));
        }
        String what = network ? "could not reach the mail server: " : "mail error: ";
        return DeliveryOutcome.retry(null, what + redactor.describe(chain.get(chain.size() - 1)), null);
    }

    /**
     * Sent to some recipients and refused by others. Any refused for now: retried for all (a duplicate, which the
     * {@code Runwarden-Alert-Id} header identifies, beats an alert that never arrives). Refused for good only: those
     * will never get it, the others did.
     */
    private static DeliveryOutcome partly(SendFailedException partial, Redactor redactor) {
        int sent = partial.getValidSentAddresses().length;
        if (sent(partial.getValidUnsentAddresses())) {
            return DeliveryOutcome.retry(null, "sent to " + sent + ", refused for now to "
                    + partial.getValidUnsentAddresses().length + ": " + redactor.clean(reply(firstReply(partial))), null);
        }
        int invalid = partial.getInvalidAddresses() == null ? 0 : partial.getInvalidAddresses().length;
        return DeliveryOutcome.delivered(null, "sent to " + sent + ", refused to " + invalid + ": "
                + redactor.clean(reply(firstReply(partial))));
    }

    private static String firstReply(Throwable error) {
        for (Throwable e : chain(error)) {
            if (e instanceof SMTPAddressFailedException) {
                return e.getMessage();
            }
        }
        return error.getMessage();
    }

    private static Integer code(Throwable e) {
        if (e instanceof SMTPAddressFailedException failed) {
            return failed.getReturnCode();
        }
        if (e instanceof SMTPSendFailedException failed) {
            return failed.getReturnCode();
        }
        if (e instanceof SMTPSenderFailedException failed) {
            return failed.getReturnCode();
        }
        if (e instanceof AuthenticationFailedException && e.getMessage() != null) {
            Matcher code = REPLY_CODE.matcher(e.getMessage());
            return code.find() ? Integer.valueOf(code.group(1)) : 535;
        }
        return null;
    }

    /** The chain of failures: a MessagingException's next one (one per refused recipient), else the cause. */
    private static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable e = error; e != null && chain.size() < MAX_CHAIN && !chain.contains(e); ) {
            chain.add(e);
            e = e instanceof MessagingException messaging && messaging.getNextException() != null
                    ? messaging.getNextException() : e.getCause();
        }
        return chain;
    }

    private static boolean sent(Address[] addresses) {
        return addresses != null && addresses.length > 0;
    }

    private static String reply(String text) {
        return text == null ? "no reply" : text.strip();
    }
}
