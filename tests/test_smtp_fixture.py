import smtplib
from email.message import EmailMessage


def test_smtp_fixture_receives_mail(smtp_server):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@x.example", "b@x.example", "Hei æøå"
    message.set_content("Innhold")
    with smtplib.SMTP("127.0.0.1", smtp_server.port) as smtp:
        smtp.send_message(message)
    (recipients, received), = smtp_server.messages
    assert recipients == ["b@x.example"] and received["Subject"] == "Hei æøå"
