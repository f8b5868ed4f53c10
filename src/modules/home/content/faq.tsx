// よくあるご質問（認定更新Q&A）, written from seeds/000 in our own words, in Japanese and English.
// Every question of the seed FAQ is here, grouped as in the seed (全般, Step① … Step⑥), with the
// answers corrected where the seed shows the old portal going wrong. The caller renders the <h1>.

type Locale = 'ja' | 'en';
type Href = '/profile' | '/faq' | '/guide';
type Inline = string | { strong: string } | { href: Href; text: string };
type Text = string | Inline[];
type Answer = Text | { ul: Text[] };
interface Item {
  q: string;
  a: Answer[];
}
interface Group {
  id: string;
  title: string;
  items: Item[];
}

function renderText(text: Text) {
  if (typeof text === 'string') return text;
  return text.map((part, i) => {
    if (typeof part === 'string') return part;
    if ('strong' in part) return <strong key={i}>{part.strong}</strong>;
    return <a key={i} href={part.href}>{part.text}</a>;
  });
}

function renderAnswer(a: Answer, i: number) {
  if (typeof a === 'object' && !Array.isArray(a)) {
    return <ul key={i}>{a.ul.map((t, j) => <li key={j}>{renderText(t)}</li>)}</ul>;
  }
  return <p key={i}>{renderText(a)}</p>;
}

const GUIDE_JA: Inline = { href: '/guide', text: '申請の手引き' };
const GUIDE_EN: Inline = { href: '/guide', text: 'application guide' };

const FAQ_JA: Group[] = [
  {
    id: 'general',
    title: '全般',
    items: [
      { q: '更新手続きのやり方が見つかりません', a: [
        ['手順は', GUIDE_JA, 'にまとめています（ログイン後のホーム画面からも開けます）。まずは「会員情報」タブから、STEP①「専門医資格申請情報」の作成を始めてください。'],
      ] },
      { q: '会員ポータルサイトでの申請方法がわかりません', a: [
        [{ href: '/profile', text: '「会員情報」' }, 'タブ → ご自身の氏名 →「会員情報照会」画面の「専門医資格申請情報」にある「新規」から始めます。STEP①～⑥の流れは', GUIDE_JA, 'をご覧ください。'],
      ] },
      { q: '認定更新は自動で行われますか', a: [
        ['いいえ。更新対象の方は、例外なく全員お手続きが必要です。方法は', GUIDE_JA, 'をご覧ください。'],
      ] },
      { q: '会員ポータルサイトが使えません', a: [
        '会員ポータルサイトでの申請が難しい場合は、郵送でお届けする更新のご案内の裏面にある『認定更新申請書』に必要事項を記入し、事務局へお送りください。',
      ] },
    ],
  },
  {
    id: 'step1',
    title: 'Step① 「専門医資格申請情報」の作成',
    items: [
      { q: '「専門医資格申請情報」の作成はどこから行いますか', a: [
        ['ログイン後、ホーム画面左上の', { href: '/profile', text: '「会員情報」' }, 'タブを押し、表示されたご自身の氏名を押して「会員情報照会」画面を開きます。その中の「専門医資格申請情報」にある「新規」から作成してください。'],
        ['画面ごとの手順は', GUIDE_JA, 'にあります。'],
      ] },
      { q: '「基本領域認定番号」とは何ですか。循環器専門医の番号ですか', a: [
        'いいえ。基本領域資格（認定内科医、総合内科専門医、内科専門医（新制度）、外科専門医、外科学会認定登録医、小児科専門医）の認定番号です。各資格の認定証でご確認いただくか、各学会にお問い合わせください。',
        '8桁まで入力できます。外科学会認定登録医の方は、外科学会の会員番号を入力してください。',
      ] },
      { q: '「基本領域認定・更新年度」には、初回の認定年度と直近の更新年度のどちらを入力しますか', a: [
        '直近の認定（更新）年度を入力してください。まだ一度も更新していない場合は、初回の認定年度を入力します。',
      ] },
      { q: '「基本領域認定期間」には、現在の認定期間と更新後の認定期間のどちらを入力しますか', a: [
        '現在の認定期間を入力してください。',
      ] },
      { q: '基本領域資格の認定期間が今年度の3月31日までで、4月に更新する予定です', a: [
        '更新後の予定ではなく、現在の認定期間をそのまま入力してください。',
      ] },
      { q: '基本領域資格として認定内科医と総合内科専門医の両方を持っています。どちらを入力しますか', a: [
        'どちらでも構いません。',
      ] },
      { q: 'Web申請では、基本領域資格の認定証のコピーは不要ですか', a: [
        'はい、不要です。なお、虚偽の申告をされた場合は、専門医制度規則により資格の停止・取消となることがあります。',
      ] },
      { q: 'ACLS資格の入力を求められますが、現在有効な資格を持っていません', a: [
        '認定更新では、ACLSに関する情報の提出は不要です。',
        '作成中の「専門医資格申請情報」の申請区分が「更新申請」になっているかご確認ください。ほかの区分になっている場合は、もう一度「新規」から作成してください。',
      ] },
      { q: '医師免許の取得日がわかりません', a: [
        '認定更新では、医師免許取得日の提出は不要です。',
        '作成中の「専門医資格申請情報」の申請区分が「更新申請」になっているかご確認ください。ほかの区分になっている場合は、もう一度「新規」から作成してください。',
      ] },
      { q: '留学中ですが、更新申請をしたいです（新しい認定期間が始まってからも留学を続けます）', a: [
        '会員ポータルサイトから申請してください。',
        '認定期間の切り替わりをまたいで留学している場合は、更新条件のうち研修単位の取得条件だけが免除されます。',
      ] },
      { q: '留学による休会や、自動更新の制度はありますか', a: [
        '休会や自動更新の制度はありません。どなたもお手続きが必要です。',
        'ただし、現在の認定期間中に留学を始め、新しい認定期間が始まった後に帰国する場合は、更新条件のうち研修単位の取得条件が免除されます。',
        { ul: [
          '新しい認定期間が始まる前（3月31日まで）に帰国する場合：通常どおりの更新条件です。',
          '新しい認定期間が始まった後（4月1日以降）に帰国する場合：研修単位の取得条件が免除されます。',
        ] },
        '帰国後、留学の実績を証明する書類として在籍証明書（コピー）を提出してください。',
      ] },
      { q: '以前からあった古い年度の申請情報を、誤って消してしまいました', a: [
        '専門医資格の認定審査を受けたときや、以前の更新のときの申請情報です。そのままで問題ありません。',
      ] },
    ],
  },
  {
    id: 'step2',
    title: 'Step② 年会費（15,000円/年）のお支払い',
    items: [
      { q: '今年度の年会費の支払い状況を確認したいです', a: [
        'ホーム画面の「会費請求/入金状況」でご確認ください。未納の年会費があればここに表示され、そのままペイジーでお支払いいただけます。何も表示されていなければ完納済みです。',
      ] },
    ],
  },
  {
    id: 'step3',
    title: 'Step③ 単位の取得',
    items: [
      { q: '認定期間の最後の3月に開催される本会学術集会は、今回の更新の研修単位になりますか', a: [
        'はい。現在の認定期間内（3月31日まで）に開催されるため、今回の更新のための単位として取得できます。',
      ] },
      { q: '自己申告をしましたが、「申請中」のままです', a: [
        '事務局が受け付けた順に確認しています。更新申請の受付開始後に申請された場合は、申請からおおむね2週間が目安です。',
        '「承認申請」の後に「送信」まで押していないと、申請は事務局に届きません。単位情報の「承認履歴」でご確認ください。',
      ] },
      { q: '内科学会の総会・講演会を自己申告したいのですが、単位マスターに古いものしか表示されません', a: [
        '内科学会は関連学会の1つです。「単位コード」欄に「関連学会」と入力して検索してください。候補に見つからない場合は、虫眼鏡マークを押して「関連学会」で検索し、「関連学術集会 年次学術集会」を選んでください。',
      ] },
      { q: '単位を取得する方法を教えてください', a: [
        '次の方法で取得できます。',
        { ul: [
          '本会の学術集会・地方会への参加',
          'eラーニング（ホーム画面の「外部サイトへのLINK」から）',
          ['自己申告（証明書類のアップロードが必要。最大18単位。手順は', GUIDE_JA, 'のSTEP③）'],
        ] },
        '研修単位区分と単位数は「所定単位表」でご確認いただけます。',
      ] },
    ],
  },
  {
    id: 'step4',
    title: 'Step④ 「専門医資格申請情報」の申請',
    items: [
      { q: '申請が済んでいるか確認したいです', a: [
        [{ href: '/profile', text: '「会員情報照会」' }, '画面の「専門医資格申請情報」に、Step①で作成した申請が表示されています。ステータスが「更新申請完了」になっていれば申請済みで、Step④は完了です。'],
      ] },
    ],
  },
  {
    id: 'step5',
    title: 'Step⑤ 更新料（30,000円）のお支払い',
    items: [
      { q: 'コンビニ払いの手続き中に中断してしまいました。やり直そうとしましたが「手続き処理中」で先に進めません', a: [
        '「会費請求/入金状況」から同じ請求の画面を開けば、途中でやめたお支払いを再開できます。5営業日待つ必要はありません。',
        [{ strong: 'すでにお支払い受付番号でコンビニで支払った場合は、入金が確認されるまで（約5日）「未納」と表示されます。二重に支払わないようご注意ください。' }],
      ] },
      { q: '支払い画面の途中で止まってしまい、支払処理中のままになっています', a: [
        '「会費請求/入金状況」から同じ請求の画面を開き直し、お手続きを再開してください。5営業日待つ必要はありません。',
        'コンビニ・ペイジーでお支払い済みの場合は、入金確認まで「未納」のままですので、もう一度支払わずにお待ちください。確認後、完了のメールが届きます。',
      ] },
      { q: '専門医の更新は来年3月なのに、支払期日が間近と表示されています', a: [
        '表示されている支払期日が、更新料の実際のお支払い期限です。期日までにお支払いください。',
        '期日を過ぎて「期限切れ」と表示されていても、同じ請求からお支払いいただけます。',
      ] },
      { q: '「領収書」は発行できますか', a: [
        'はい。お支払いが済んだ請求を「会費請求/入金状況」から開くと「領収書」ボタンが表示され、ご自身で発行できます。',
      ] },
    ],
  },
  {
    id: 'step6',
    title: 'Step⑥ 更新手続きの完了',
    items: [
      { q: '新しい専門医証はいつ届きますか', a: [
        '更新条件を満たした方へ、3月中旬以降、順次お送りします。',
      ] },
    ],
  },
];

const FAQ_EN: Group[] = [
  {
    id: 'general',
    title: 'General',
    items: [
      { q: 'I cannot find how to renew', a: [
        ['The steps are in the ', GUIDE_EN, ', which you can also open from the home screen after logging in. Start with Step 1, creating your certification application (「専門医資格申請情報」), from the “Member information” (「会員情報」) tab.'],
      ] },
      { q: 'I do not know how to apply in the member portal', a: [
        ['Open the ', { href: '/profile', text: '“Member information” (「会員情報」)' }, ' tab, click your name, and on the member profile page (「会員情報照会」) press “New” (「新規」) under “Certification application” (「専門医資格申請情報」). The ', GUIDE_EN, ' walks you through Steps 1 to 6.'],
      ] },
      { q: 'Is my certification renewed automatically?', a: [
        ['No. Every member due for renewal must apply, without exception. See the ', GUIDE_EN, ' for how.'],
      ] },
      { q: 'I cannot use the member portal', a: [
        'Fill in the renewal form 『認定更新申請書』 on the back of the renewal notice we mail to you and send it to the secretariat.',
      ] },
    ],
  },
  {
    id: 'step1',
    title: 'Step 1: Creating your certification application (「専門医資格申請情報」)',
    items: [
      { q: 'Where do I create the certification application (「専門医資格申請情報」)?', a: [
        ['After logging in, open the ', { href: '/profile', text: '“Member information” (「会員情報」)' }, ' tab at the top left of the home screen and click your name to open the member profile page (「会員情報照会」). Create it with “New” (「新規」) under “Certification application” (「専門医資格申請情報」).'],
        ['The ', GUIDE_EN, ' shows every screen.'],
      ] },
      { q: 'What is the “base qualification number” (「基本領域認定番号」)? Is it my cardiology specialist number?', a: [
        'No. It is the certification number of your base qualification (認定内科医, 総合内科専門医, 内科専門医（新制度）, 外科専門医, 外科学会認定登録医 or 小児科専門医). You will find it on that certificate, or ask the society that issued it.',
        'It has up to 8 digits. For 外科学会認定登録医, enter your surgery society member number.',
      ] },
      { q: 'For the “base qualification year” (「基本領域認定・更新年度」), do I enter the first certification year or the latest renewal year?', a: [
        'Enter the year of your most recent certification or renewal. If it has never been renewed, enter the year of the first certification.',
      ] },
      { q: 'For the “base qualification period” (「基本領域認定期間」), do I enter the current period or the one after renewal?', a: [
        'The current period.',
      ] },
      { q: 'My base qualification period ends on 31 March this fiscal year and I will renew it in April', a: [
        'Enter your current period as it is, not the planned next one.',
      ] },
      { q: 'I hold both 認定内科医 and 総合内科専門医. Which do I enter as my base qualification?', a: [
        'Either one is fine.',
      ] },
      { q: 'For a web application, do I need to send a copy of my base qualification certificate?', a: [
        'No, you do not. Please note that a false declaration can lead to suspension or revocation of your certification under the specialist regulations.',
      ] },
      { q: 'The form asks for my ACLS qualification, but I do not hold a valid one', a: [
        'A renewal does not need any ACLS information.',
        'Check that the application type of your certification application is “Renewal” (「更新申請」). If it is not, create a new one from “New” (「新規」).',
      ] },
      { q: 'I do not know the date I obtained my medical licence', a: [
        'A renewal does not need the date of your medical licence.',
        'Check that the application type of your certification application is “Renewal” (「更新申請」). If it is not, create a new one from “New” (「新規」).',
      ] },
      { q: 'I am studying abroad and want to apply for renewal (I will still be abroad when the new period starts)', a: [
        'Please apply in the member portal.',
        'If your stay abroad spans the start of the new certification period, only the credit requirement is waived.',
      ] },
      { q: 'Is there a leave of absence for study abroad, or automatic renewal?', a: [
        'There is neither; everyone must apply.',
        'However, if you went abroad during your current certification period and return after the new period has started, the credit requirement for renewal is waived.',
        { ul: [
          'Returning before the new period starts (by 31 March): the usual renewal requirements apply.',
          'Returning after the new period has started (1 April or later): the credit requirement is waived.',
        ] },
        'After you return, submit a copy of your certificate of enrollment (在籍証明書) as proof of your study abroad.',
      ] },
      { q: 'I accidentally deleted an old application from an earlier year', a: [
        'That was the record of your original specialist examination or an earlier renewal. You can leave it as it is.',
      ] },
    ],
  },
  {
    id: 'step2',
    title: 'Step 2: Paying the annual fee (15,000 yen per year)',
    items: [
      { q: 'I want to check my payments for this fiscal year', a: [
        'See “Billing” (「会費請求/入金状況」) on the home screen. Any unpaid annual fee is listed there and can be paid by Pay-easy. If nothing is listed, you are fully paid.',
      ] },
    ],
  },
  {
    id: 'step3',
    title: 'Step 3: Earning credits',
    items: [
      { q: 'Does the society’s annual meeting held in the last March of my certification period count for this renewal?', a: [
        'Yes. It falls within your current certification period (which ends on 31 March), so its credits count for this renewal.',
      ] },
      { q: 'I self-reported a credit but it still says “pending” (「申請中」)', a: [
        'The secretariat reviews requests in the order received. Once renewal applications have opened, allow about two weeks from your request.',
        'A request only reaches the secretariat after you press “Send” (「送信」) following “Request approval” (「承認申請」). Check the credit’s “Approval history” (「承認履歴」).',
      ] },
      { q: 'I want to self-report the annual meeting of the Japanese Society of Internal Medicine, but the credit catalogue (「単位マスター」) shows only old entries', a: [
        'The Japanese Society of Internal Medicine is one of the related societies. Search the “Credit code” (「単位コード」) field for 「関連学会」. If it is not among the suggestions, press the magnifier icon, search for 「関連学会」 and choose 「関連学術集会 年次学術集会」.',
      ] },
      { q: 'How can I earn credits?', a: [
        'You can earn credits through:',
        { ul: [
          'the society’s annual and regional meetings;',
          'e-learning, via “External links” (「外部サイトへのLINK」) on the home screen;',
          ['self-reporting, with proof uploaded, up to 18 credits (see Step 3 of the ', GUIDE_EN, ').'],
        ] },
        'The credit categories and values are in the credit schedule (「所定単位表」).',
      ] },
    ],
  },
  {
    id: 'step4',
    title: 'Step 4: Submitting your certification application',
    items: [
      { q: 'How do I check that I have applied?', a: [
        ['On the ', { href: '/profile', text: 'member profile page (「会員情報照会」)' }, ', the application you created in Step 1 is listed under “Certification application” (「専門医資格申請情報」). If its status is 「更新申請完了」 (renewal submitted), you have applied and Step 4 is done.'],
      ] },
    ],
  },
  {
    id: 'step5',
    title: 'Step 5: Paying the renewal fee (30,000 yen)',
    items: [
      { q: 'I got confused and stopped while paying at a convenience store. Now it says the payment is “being processed” and I cannot start again', a: [
        'Open the same invoice from “Billing” (「会費請求/入金状況」) and resume the payment from there. There is no need to wait 5 business days.',
        [{ strong: 'If you already paid at the store with your payment reception number, the invoice shows “Unpaid” (「未納」) until the payment is confirmed, about 5 days later. Do not pay twice.' }],
      ] },
      { q: 'The payment screen stopped and the payment is stuck “in progress”', a: [
        'Open the same invoice again from “Billing” (「会費請求/入金状況」) and resume the payment. There is no need to wait 5 business days.',
        'If you already paid at a convenience store or by Pay-easy, it stays “Unpaid” (「未納」) until confirmed, so do not pay again; you will receive an email once it is confirmed.',
      ] },
      { q: 'My renewal is not until next March, yet the invoice says its due date is near', a: [
        'The due date shown is the real deadline for the renewal fee. Please pay by then.',
        'If the date has passed and the invoice shows “Overdue” (「期限切れ」), you can still pay it from the same invoice.',
      ] },
      { q: 'Can I get a receipt (「領収書」)?', a: [
        'Yes. Open a paid invoice from “Billing” (「会費請求/入金状況」) and press the “Receipt” (「領収書」) button to issue it yourself.',
      ] },
    ],
  },
  {
    id: 'step6',
    title: 'Step 6: Completing the renewal',
    items: [
      { q: 'When will my new certificate (専門医証) arrive?', a: [
        'Certificates are mailed from mid-March onwards, in turn, to members who meet the renewal requirements.',
      ] },
    ],
  },
];

export function FaqContent({ locale }: { locale: Locale }) {
  const groups = locale === 'ja' ? FAQ_JA : FAQ_EN;
  return (
    <>
      {groups.map((g) => (
        <section key={g.id} class="faq__group" aria-labelledby={`faq-${g.id}`}>
          <h2 id={`faq-${g.id}`}>{g.title}</h2>
          {g.items.map((item) => [<h3 key={`q-${item.q}`}>{item.q}</h3>, ...item.a.map(renderAnswer)])}
        </section>
      ))}
    </>
  );
}
