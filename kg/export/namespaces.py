"""RDF namespaces of the Rawabit vocabulary (terms come from these objects, never f-strings)."""

from rdflib import Namespace

RWB = Namespace("https://w3id.org/rawabit/ontology#")
ID = Namespace("https://w3id.org/rawabit/id/")
DOC = Namespace("https://w3id.org/rawabit/doc/")
EVENT = Namespace("https://w3id.org/rawabit/event/")
GRAPH = Namespace("https://w3id.org/rawabit/graph/")
WD = Namespace("http://www.wikidata.org/entity/")
SCHEMA = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")

PREFIXES = {"rwb": RWB, "rid": ID, "rdoc": DOC, "rev": EVENT, "wd": WD, "schema": SCHEMA, "sem": SEM}

ENTITY_CLASSES = {
    "PERSON": RWB.Person, "STATE": RWB.State, "PARTY": RWB.Party,
    "ORG": RWB.Organization, "PLACE": RWB.Place, "AGREEMENT": RWB.Agreement,
}
EVENT_CLASSES = {
    "met": RWB.Meeting, "signed": RWB.Signing, "visited": RWB.Visit, "attended": RWB.Attendance,
    "invited": RWB.Invitation, "sent_message": RWB.Message, "phone_call": RWB.PhoneCall,
}
# the property linking an event to its agents and to its targets, per event type
AGENT_PROPERTY = {"met": RWB.participant, "phone_call": RWB.participant}
TARGET_PROPERTY = {
    "visited": RWB.destination, "signed": RWB.agreement, "invited": RWB.invitee,
    "sent_message": RWB.recipient, "attended": RWB.attendedEvent,
}
DIRECT_PROPERTY = {"met": RWB.met, "signed": RWB.signed, "visited": RWB.visited}
