/*
 * test_crypto_kbkdf.c - SP 800-108 known answers and parameter rules.
 *
 * Vectors (facts, none computed with this code):
 *   - the two of /work/shared/design.md (CAVP counter mode, CMAC-AES128,
 *     counter before the fixed data, r = 32 and r = 8);
 *   - NIST CAVP KBKDF (kbkdfvs, CAVS 14.4 KDFCTR_gen.rsp and CAVS 12.0
 *     KDFFeedback_gen.rsp of FeedbackModeNOzeroiv, FeedbackModewzeroiv and
 *     FeedbackModenocounter): one vector per group listed, the longest L of
 *     the group, so most take several PRF blocks;
 *   - DKM-length layouts CAVP does not cover: python3-cryptography's
 *     KBKDFHMAC/KBKDFCMAC, and its HMAC/CMAC driven by a 30-line Python model
 *     of the PKCS#11 data-parameter list (checked against KBKDF*MAC first).
 * Each vector runs through pf_kbkdf_derive and through both engines
 * separately where the layout allows, so a wrong dispatch cannot hide.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/kdf.h"
#include "crypto/kdf_local.h"
#include "test_crypto_util.h"

/* Where the CAVP file puts the counter; the test turns it into fields. */
enum ctr_loc {
	LOC_BEFORE_FIXED, LOC_AFTER_FIXED, LOC_MIDDLE_FIXED, /* counter mode */
	LOC_BEFORE_ITER, LOC_AFTER_ITER, LOC_NONE,           /* feedback mode */
};

typedef struct cavp_vec {
	const char *name;
	pf_kbkdf_mode mode;
	pf_mac_alg prf;
	enum ctr_loc loc;
	unsigned r;
	const char *ki, *iv, *fixed, *after, *ko; /* after: MIDDLE_FIXED's DataAfterCtrData */
} cavp_vec;

static const cavp_vec cavp[] = {
	/* design.md (CAVP KDFCTR_gen.rsp, CMAC_AES128, BEFORE_FIXED) */
	{ "design.md r=32", PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, LOC_BEFORE_FIXED, 32,
	  "c10b152e8c97b77e18704e0f0bd38305", "",
	  "98cd4cbbbebe15d17dc86e6dbad800a2dcbd64f7c7ad0e78e9cf94ffdba89d03e97eadf6c4f7b806caf52aa38f09d0eb71d71f497bcc6906b48d36c4",
	  "", "26faf61908ad9ee881b8305c221db53f" },
	{ "design.md r=8", PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, LOC_BEFORE_FIXED, 8,
	  "dff1e50ac0b69dc40f1051d46c2b069c", "",
	  "c16e6e02c5a3dcc8d78b9ac1306877761310455b4e41469951d9e6c2245a064b33fd8c3b01203a7824485bf0a64060c4648b707d2607935699316ea5",
	  "", "8be8f0869b3c0ba97b71863d1b9f7813" },
	{ "KDFCTR_gen.rsp CMAC_AES128 AFTER_FIXED r=16 L=320 COUNT=30", PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, LOC_AFTER_FIXED, 16,
	  "2eadee90adbd4b2c436ae0f33e92691f",
	  "",
	  "68007eb3e179a07fb241ec1c0bc5d9c3ee87ebfe97b2f4542f369df17b30d8c1c419f36b68b05ddefe44501a967bc357"
	  "f616763951e737dd6dbf3081",
	  "",
	  "0d050058ab8d2ab9c552d52a437b85130ba54949b5e9b5ee45b8a81c1ddebb3a4672afc26d82f404" },
	{ "KDFCTR_gen.rsp CMAC_AES128 MIDDLE_FIXED r=24 L=320 COUNT=30", PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, LOC_MIDDLE_FIXED, 24,
	  "e4836e2766b2950e8a37a2bacb194c68",
	  "",
	  "a319afc037409d490f3ee5b527fc7045514450010ada1862cfe6c9dccbdba33a977a27da67697710db00c4af7e3253ee"
	  "316d",
	  "43442b1fff7fe603ac90",
	  "eab8b0f5f3b67f7c0adde7070afe80f4a6a40ebfd42f3dd7331d38934628b91ad4ad023f113c75e0" },
	{ "KDFCTR_gen.rsp CMAC_AES128 BEFORE_FIXED r=32 L=320 COUNT=30", PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, LOC_BEFORE_FIXED, 32,
	  "b2fcf854b1029888aeb0274ca09bb21a",
	  "",
	  "a6b84baae7a6ceb1d63ed704757500c510c0a8bdc22d2f42af09f79c815f37f33b67dad0b30f428fc1e2d355f7f91f65"
	  "acbedd2fdd5b8c38dd890407",
	  "",
	  "fe4c2c0242c5a295c008aeb87ae0815171de6173773292347f4f5ec07185c3f860b5667c199aad55" },
	{ "KDFCTR_gen.rsp CMAC_AES256 BEFORE_FIXED r=32 L=320 COUNT=30", PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, LOC_BEFORE_FIXED, 32,
	  "dabde95d751ff1c132bd49f80f4ee347bf39218cf8bfec61bc3ad865d9aa1182",
	  "",
	  "55da554307ed756764d4e97febb77ce85391b53225ee09417ad57def48ead090e3d1e7c2ed04f02462a6324ea0163b18"
	  "f86201c69db27fd50b4c42c5",
	  "",
	  "5cc29221cfa6f3a4ded7afeef5a59c05bac787fc5e98a35ee0c96ba582b05c42f758966566084f69" },
	{ "KDFCTR_gen.rsp CMAC_AES256 AFTER_FIXED r=8 L=320 COUNT=30", PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, LOC_AFTER_FIXED, 8,
	  "91cc6500cd003d3da35014958bde0bf660c18edc6b905fa5df932d91939653e3",
	  "",
	  "6a7a51e74597e60f97d98a0a317a08a45ac4eb8143dc1d0ca9c73de1e716234b745a438162bd13069930188ec9fd6a6f"
	  "e4a2c7737478a09d74ea23c2",
	  "",
	  "fb3db58620a605d3c3bdcd10762744edc0e25eb4100efdd39afefd5796a530b291509a87f31721d4" },
	{ "KDFCTR_gen.rsp HMAC_SHA256 BEFORE_FIXED r=32 L=320 COUNT=30", PF_KBKDF_MODE_COUNTER, PF_MAC_HMAC_SHA256, LOC_BEFORE_FIXED, 32,
	  "c4bedbddb66493e7c7259a3bbbc25f8c7e0ca7fe284d92d431d9cd99a0d214ac",
	  "",
	  "1c69c54766791e315c2cc5c47ecd3ffab87d0d273dd920e70955814c220eacace6a5946542da3dfe24ff626b4897898c"
	  "afb7db83bdff3c14fa46fd4b",
	  "",
	  "1da47638d6c9c4d04d74d4640bbd42ab814d9e8cc22f4326695239f96b0693f12d0dd1152cf44430" },
	{ "KDFCTR_gen.rsp HMAC_SHA256 AFTER_FIXED r=24 L=320 COUNT=30", PF_KBKDF_MODE_COUNTER, PF_MAC_HMAC_SHA256, LOC_AFTER_FIXED, 24,
	  "33760c18afd71a888b99d1669f5c56389e1f12d258e5e889afaa8945b0a504df",
	  "",
	  "3ee21c81ad64990284c2a52e96a90622f5b8c086bea4700790b6c650ee8e9f7f6ce3d7efef99acde50f9275196351dd3"
	  "cc5113b05e0e7dda733e3b0a",
	  "",
	  "46f5e3ae03ad1a0c4e53303692bfa1c6328f54463dbfd8b9435402d57ac22489a11e47ae7848794e" },
	{ "KDFCTR_gen.rsp HMAC_SHA256 MIDDLE_FIXED r=8 L=320 COUNT=30", PF_KBKDF_MODE_COUNTER, PF_MAC_HMAC_SHA256, LOC_MIDDLE_FIXED, 8,
	  "9cc822cbd7b12cf51014090c6461d5ba95cc71fd2880eab667eba37b23505427",
	  "",
	  "fe757ed3a0dae0d6bb90affbdd7175396b07099a8310730f667ea639ed5952e720bb12e70adc0575e7e0c7380f2900ae"
	  "c470",
	  "386eac1db97618fe0ccc",
	  "90747ad9ae48ba62a002c097c0aada0605fd01bb9bb1604a31d83775b79d0af001d5990cad523fc6" },
	{ "KDFCTR_gen.rsp HMAC_SHA384 BEFORE_FIXED r=16 L=320 COUNT=30", PF_KBKDF_MODE_COUNTER, PF_MAC_HMAC_SHA384, LOC_BEFORE_FIXED, 16,
	  "afe2d3a4746792908aca8ece67ba8562382000b4e26122414b3ef2e120511bae68448955cf186be87caf69eaced47e87",
	  "",
	  "1f6dd0b17fed7f479c4f62927291a95292a4e232441c30ffcaa1d347543e50db939360bb37976eacb911f76c38ad8cce"
	  "12a0c263875bbcd7f6011ffd",
	  "",
	  "17b671ca433cea81384b03b69c26a55257085cdfa48e6d8529431464bd439a881de560294afb0073" },
	{ "KDFCTR_gen.rsp HMAC_SHA512 MIDDLE_FIXED r=32 L=320 COUNT=30", PF_KBKDF_MODE_COUNTER, PF_MAC_HMAC_SHA512, LOC_MIDDLE_FIXED, 32,
	  "6b759504c081a3ddb7c26b44bf8fdf5f35a5cd9dfc0fa4d8ebbe5c3365a04083ccacb5e0da41d48f62e9e921eee3d244"
	  "3f3de5281679100df8da1e0b2fbd0df5",
	  "",
	  "9a2637d2583725b25d1f92bb58676f28d743400cd8dbaaa87921e56b50321328f80858d064b5baf52a0dce4f38fb9b6c"
	  "0c72",
	  "6d97eac4202872a1c704",
	  "1dcba856d7f52ee0364661f874cfabacf9eb2ff9f242bab8bd0f89f55fc0c80bb029d6da685dcc91" },
	{ "KDFCTR_gen.rsp HMAC_SHA512 BEFORE_FIXED r=32 L=320 COUNT=30", PF_KBKDF_MODE_COUNTER, PF_MAC_HMAC_SHA512, LOC_BEFORE_FIXED, 32,
	  "a9f4a2c5af839867f5db5a1e520ab3cca72a166ca60de512fd7fe7e64cf94f92cf1d8b636175f293e003275e021018c3"
	  "f0ede495997a505ec9a2afeb0495be57",
	  "",
	  "8e9db3335779db688bcfe096668d9c3bc64e193e3529c430e68d09d56c837dd6c0f94678f121a68ee1feea4735da85a4"
	  "9d34a5290aa39f7b40de435f",
	  "",
	  "6db880daac98b078ee389a2164252ded61322d661e2b49247ea921e544675d8f17af2bf66dd40d81" },
	{ "FeedbackModeNOzeroiv CMAC_AES128 AFTER_ITER r=32 L=2400 COUNT=30", PF_KBKDF_MODE_FEEDBACK, PF_MAC_CMAC_AES, LOC_AFTER_ITER, 32,
	  "369ed5c8e43e4f535e73266406b2ff60",
	  "5f5553703b4ca59084ae28b39b86c7d0",
	  "77b75066828889db253f705ee1e3d03d0502971a8caee92d070fff6f1d5066d0fa077bbbc98f7c69aad208bb32778ba6"
	  "140ef2",
	  "",
	  "6400296629cb46a85b38b454be0748238e7b2b976c2f0ea32fbdbc8afece29aadd3981b1132421a86cee75c7a2561c17"
	  "f1a4e4dbae94fe64c3926893330f204fd9ea788d6d331a5dcec3d6dce367ac65671595e5b56895b1913213fa80af2c3b"
	  "63eb8a6924e1d0a5c36df68d0dc5c4740f63e058721793050294a5e122e17f9ae717b58e0895559d5dcbeaeda09d6824"
	  "4780cc516c6ed23968ebb1fb305d23749b3170a3d26288e00efda2235625d753bdf0dc3eb6401288d6e871122fefc74a"
	  "7dc7f1caf255da24bf604c62c11fe87a8aed84bb939368d5dfb2f39357152b13fa7a95f62872252ed6ca376b4300dc2a"
	  "0f46a44449f2c0ffb9f9a87740959c067b8892e4fe301ef7c6395ca6e5c7e79db0bd8a42240aecaf0858d03c3149f56b"
	  "2b431d5ffaf32da10e3e937a" },
	{ "FeedbackModeNOzeroiv CMAC_AES128 BEFORE_ITER r=8 L=2400 COUNT=30", PF_KBKDF_MODE_FEEDBACK, PF_MAC_CMAC_AES, LOC_BEFORE_ITER, 8,
	  "376b9fef07bbb71175bc685432f0ffbd",
	  "f445ae72fda7f3c6b0c83326ec8d0532",
	  "39879b284b39bf55b20ed222f48065c8608b45a875720474339baf833120b5885767481401de409b51beef09cf658873"
	  "9d3a58",
	  "",
	  "331cb3a899c5b2c7c94f389f3354912776f6b5d75fee671542f21f2a5b5b4f13ae6118e000b79d6b4da025916c0330c0"
	  "d9b778d5db72b5f7f27e4131b9d072970798133571044172b1da86a954d0fb0ff015690ab1f212ca0ed09180895d3679"
	  "22988499924b51ed328d0da3c5a67b8be738a3a822d79cf466c23df24e68dc61571c46ff485ee31b724d0728972a7ed9"
	  "a3a66ef5e085926353a666cf7c4005c79fd2c5566a7ebf8c3ceceb7621c46b712b722489e31d6e6124ebfd6f01494eb2"
	  "0a97256bcca5f2f5f081625839bb35c992d08b834c6f266b2c8c8bb8bc5f9f3a1311f59146a57dd6262c961d3ab86a71"
	  "4bc95199d5ec4c73491149fae7c28c13d99e94b8f72d31fd515c5c76f359c438fbb957c7a47c15faf2f075ba3853c942"
	  "7ee14aed95670332f4c7707e" },
	{ "FeedbackModeNOzeroiv HMAC_SHA256 AFTER_ITER r=8 L=2400 COUNT=30", PF_KBKDF_MODE_FEEDBACK, PF_MAC_HMAC_SHA256, LOC_AFTER_ITER, 8,
	  "636be8acb567534aa8776888c0c8320e7a0c436ca8d1cefd92b8f8b24cf17ba6",
	  "ee6510121a6bf418d7cda1473327ed2c01e8437c0d0cfe3b49d015ed06065005",
	  "1a4ea4217f760cdb4232331e9a47bc43486a3ae3c5a17c190571f6329cabe96d3dc8c3bf10421de04efb71b4e341653e"
	  "02a926",
	  "",
	  "ac2b5236c76b3031c0170c272a151fd23620177e50231f2e5ff8b974e74660599b157a3e898d2ad9a6cefff510733425"
	  "57b271655502ca8ff8af595f3fe1fb801d86cc931d151a4bf94c08ca84cdc3953e9041f1fe12cc012ed4702ee73a601d"
	  "6495965e0d5869e285bab461ea3e2975642cef945f6c289637e4be914c5ca2debbf3777d4697326534e73b072d1684b9"
	  "2809d6e4cd78f0da04127bb833806c592d3400f3dab61a8839d092ff16ddc2937f613b6934e7ef15792d13a5f2f3cc57"
	  "57b1ea556692ae46f4c9d38f00da821eeb7253be9cb9b744ee419412c3f3881df51ea6bdc0fb87d4978ff9d153fc420c"
	  "bb8d989ae3d239494e0bb25659d48b4966cc5d8d7727f03b646152a0e5aa29aab6ffbfc90cb86e975a332e3d7f7216aa"
	  "84883a930a5c210aee8083f8" },
	{ "FeedbackModeNOzeroiv HMAC_SHA256 AFTER_ITER r=32 L=2400 COUNT=30", PF_KBKDF_MODE_FEEDBACK, PF_MAC_HMAC_SHA256, LOC_AFTER_ITER, 32,
	  "3eb9043a57cbcd10e7ad9678688d7cab409de85b79d913514b39477d288fcb35",
	  "9a278a2898b8c805714f5c9256f4f68c6ca590ee84b9dd33f6c84d2c5928a404",
	  "85e356251bf63a51367a057cfe12534f0c973c60f0d8c452b6f21a2eb70526ad31b996022842811ea4a2c3bbd02cfe55"
	  "f9ef4d",
	  "",
	  "d901beab2299a0a7eb66fe8a21f0016ccd5705139e2c8128824833d10f504fa98f6240448e0eb3be45bbbce48138ecd4"
	  "df7470a12bfd3d4507c76448f9a02fefed4e03d585ad3ff550b053b7223f6e4c6dd31d1722c5538092c4b5da46938f28"
	  "d67311b66848c8c1f5dc6e6d28bfcffd11ad9c7255c831ce6aa55fe0d7df463589cb444072511f291539e740b68ea0f4"
	  "feec7245d710bc290f08c8662bb85a34c6df7ce726568b702a038ae2033016832a0d942d50c209b7434fa01fcba4b65e"
	  "3a58c9c545d9540d6c0a0451f6cdba82c8e33b716f2d09c7b3756cd4c0f5b361284d995ef135a5ae755095489e27bad2"
	  "b758dcb3705755f1141325abd9224b2a1b354169fb481b836603c5f8e7bea37e21b6c770ee85a49a9abbf15fb1d48288"
	  "a22295ae99c875b11d284915" },
	{ "FeedbackModeNOzeroiv HMAC_SHA384 AFTER_FIXED r=16 L=2400 COUNT=30", PF_KBKDF_MODE_FEEDBACK, PF_MAC_HMAC_SHA384, LOC_AFTER_FIXED, 16,
	  "9934df11ed17254f23e61184284361568a3668d02eab5cca09e487ce4f105d5d49b4585ae24fc7ce3a4d62e28c9ffd44",
	  "0d676ccfd9e4ec0268b44af42485b6f001242d14e26ec34d7f6bcfc012a6df6271d523e5dc7b913f9a0cc3ede16741a9",
	  "853916fa05364b151074239dd82acef72b9f04cd15255608b39d609e74b24c5def9f661bf3c7fbe91ee9226713b7e4b6"
	  "4f0c42",
	  "",
	  "714d53324a3948334d3eed77c3a61f5817ab4e36317c93493109a24370f2219acff8801a636dd0bf8e491ded3b2a583a"
	  "fca7e0e2115d4c98942362c4779dc060a6262d0beffa1f90ed0fc669d1ee56c7093a6d8a7aa82b30ef36acf94ac186c7"
	  "8b55d4a52c1e02ba799360646f635429465b024858800a39884757ec4b63b21bd7a50d0ae0b8baa6c67eea413760d44b"
	  "12318b7a512dee3e18596340e3d895b0f1fbceda81b9de9547c7ea33068c9ae0bc87c4f99300d4f3bee87109f86d9d85"
	  "c7bec3327214d18269c3cd2b4d1e09c59cd666bb61af625063187a6628c7bfad5e01bdb0a35c3f7e23d513b36f2b1045"
	  "7cd64edeeec2acae5c96d78aed4170d9df301116ce74977550640f84e8276755385a138cb977f7d199c192610bb2c152"
	  "30c0d29ab54c9fe7f65c96aa" },
	{ "FeedbackModeNOzeroiv HMAC_SHA512 BEFORE_ITER r=24 L=2400 COUNT=30", PF_KBKDF_MODE_FEEDBACK, PF_MAC_HMAC_SHA512, LOC_BEFORE_ITER, 24,
	  "b42690d8b0f972480953e5c59fc189cca7ea182c63e6f97ddf26362fbc167238f656a6b4a8b531edb59925fd88df59fc"
	  "6ada41edf013d159b110ffbfcb28c2a3",
	  "e0acc93d38c771328893666155301dd06beb655e533fbd2f7accb05090d9e7e4a359dedb86f4fd926d69030bc560ed2f"
	  "c3b4a6ce3ad1cbda0b0938d775be14bf",
	  "b617db11dfe98477f704b633f7190ba628ba570cba6b11bb1825f152dd9f20eb8a223a94c93194cfdcec3c11c410b8d2"
	  "089b0d",
	  "",
	  "28b5247766fd6028ebbbfd44719a2379bf496b29afd4ee61db7fd6b249ce7d99becba693075ab2a229cfbaeff5b556f2"
	  "de702e7e9624a1608deec68cae076e08cadc80931fe7f3a074342dd4f988cb218ebeeb24ee1fc540bec37b03b890df9a"
	  "fb2a70c820f18fc53f31f824a2a564c6011946d64b0fec67068bdaa4cf62da41f42167d128fffaa6739e8a2102e8f550"
	  "feb1b13f6c56b27321390767819c407fa6395944155fd288ec95a0001d1228a71782ced309b7c1d784b8ea3d90677685"
	  "6c9e9098d41487d9aa4b085e752afb9e5626c11614ab6127b2800c683e22822a618a114ffac97098401549cc8a09f103"
	  "27a25320496b8bad7e1c516788f8f1d8a75a18aa0b5cc960bd97b9f8c7f1f27c14e44c9e489e13c8dbd92c68145719eb"
	  "ce9f85eef4762875ad48ff74" },
	{ "FeedbackModeNOzeroiv CMAC_AES256 AFTER_ITER r=32 L=2400 COUNT=30", PF_KBKDF_MODE_FEEDBACK, PF_MAC_CMAC_AES, LOC_AFTER_ITER, 32,
	  "5f5b36c125249e4642324a5d7ef8eab0ced18147f69fbca169db68cad952cccb",
	  "07013047d0dfb40d26a89d2fccab8695",
	  "6efb9196324deadf5f67072823ab5a7158de5ceaf05ac07d152d940f24b166baa1b4e1d5004e8fc573edeb2e3a516879"
	  "641115",
	  "",
	  "2b36dcd36c0942f2591a782cce0fe5b8197c3ddb22e1d3683e36f2aa005a7e388c1b0ea1cfa9687bbee9d12201c28568"
	  "350ee3bab109344575b7856e357475587428a958157655c8e7f2dce742eeebdcf5ef9a200615de1ddea1953215b866c8"
	  "925fa2cf07e58daca777754a324f48b5b356ba0331fa6bfcdd454d4e1fb1276aff0f097bed7c9cd3a04aba4103c86632"
	  "b2148df2381bae713d1eaa9c90e79944728ef2b5dc642e9534fb4838c4d4f43b89097a9e19a9b5b6afff4a672878c642"
	  "491db7999a77fb6d3ac9d995ff510edba9ad68d12a598e10f65a772240b4def7ca6931541a672f7595e6002d3b12d7e6"
	  "31a68b12dbb7ccfd734806a1b448f4ab7c1a5a7e07083451bc4321ad526652fa12d96a23420508f2073e8ad15041b61e"
	  "c155f3e0e40006c647251da9" },
	{ "FeedbackModewzeroiv CMAC_AES128 AFTER_ITER r=32 L=2400 COUNT=35", PF_KBKDF_MODE_FEEDBACK, PF_MAC_CMAC_AES, LOC_AFTER_ITER, 32,
	  "a1d82386304207beaf5f4fb3f14c4a2f",
	  "",
	  "136ade1e031eb28e4830e6e262c256050ed9fcb2e3580dfd6b3546ec29d802acc6ecaf1bed172703edb10746d3f33ff0"
	  "1f318d",
	  "",
	  "a8a317d6aa7ea39e6a4ea1b2e8be6df1b53af01ea67f8c68103e8ddce91565cc63a6cb36dd999c682af9542a47ba0c75"
	  "d8b4d9554825cef46f477f8d9253c1606768580a45570ba7b723816f4feb1002ee9c125fc1e623c1cf0f78931ec8e5cb"
	  "801e427216c15dc425ad1ace51d994665ed7d7a2528eb8f421768c1aabb4bb3673c2a568e021405fbfd44e77fb8a4deb"
	  "112c97cf75f14dd7e4b6ade03a3127e2fd651335638f0f2226e31a0bde3a363a6dd5f106ca4f2d5ebcc65cbb77c6f118"
	  "0b749e9f1dbee118d35522736ad2174ddcafccda01de0282c2a897e4e797625101fc2222bb466c0b9bd08b0727359d1d"
	  "47aa078e7a27a640130e80302e0ee40076fd977851ff2ecb1b5d4c3b3c29f677173fdca1990937693cd1e78776c25f77"
	  "5ac3f3e10c3ba62a2ce41d56" },
	{ "FeedbackModewzeroiv HMAC_SHA256 AFTER_FIXED r=8 L=2400 COUNT=35", PF_KBKDF_MODE_FEEDBACK, PF_MAC_HMAC_SHA256, LOC_AFTER_FIXED, 8,
	  "546094a19244626f4487b0ba42414aa5d368bb3ac1909384680b6d4595e4f5bf",
	  "",
	  "105275ae1b486ac2738f736941b6d28d64e917118903d935a84710e972089a0f574cca33ebb1b29565e8dc37164c30df"
	  "07124b",
	  "",
	  "8149c5de9d4646892b58dd8b56e4a24ba340d356dea605d70b78ff4da3478f47b4608db24b01da56a90e2427bbbb914c"
	  "fd4b2f76a4e23284fabb273a4b0ea972f21c75ed2b2a4f53af5530d8aa6bf44a0d03fc270a28a7054ccc40c211264a9e"
	  "6d14a3af1ebaf6f2dfd1c1b861580c383b793516c8b1958259ff15ffcaedd9f57a1eecb40b9944dde0b441fda607826a"
	  "45de2542d772e73e05c0c01196420275f37acff95336f72080c0e1ef299db1cda6253164c567da94f5d4941c2ea33786"
	  "ef84c286ca5d8abf4dd49da6db5b63bb1846ec372e53269ab7a77302a9e05edc1125039b1bf406a646af7f420b6d02c6"
	  "fd78b4cd5eb09dc1d68d69e0b8f1695f5581c6c87cf7fc145b3dddf58ba30d1f6f2b9b9edec90cd9e4622f3b73a45cdf"
	  "82e2a79e0ea7d87f9916db3b" },
	{ "FeedbackModenocounter CMAC_AES128 NO_COUNTER r=0 L=2064 COUNT=30", PF_KBKDF_MODE_FEEDBACK, PF_MAC_CMAC_AES, LOC_NONE, 0,
	  "daeccfb0be26c9f107a245d1d8322b1f",
	  "cfa5fdc5b1578a5c5580d5ff1d828921",
	  "800f77ffa4a9a23d53cf78dc9b5b4277c02fb35243242ef2209c2fb3f56469976546b80749c8547c7b65a09150998a15"
	  "94c733",
	  "",
	  "a1639a9d05a03a19192ef00312985e0507d7753210c489830e558a4864c066aa8a29ed5cb06fc0e6ff1fa9f04ffd456e"
	  "a6a1b537fbdce8aa2220e4c59a149a4cf6765a3f45a6027cee0e849605fb3b26241f12e33cc3fed77a4e49e2c492e087"
	  "9585c417261d2a2885afc2b6096be01e9103a5c951357f2f50abdcbf682cb09714b500050d4132ebb47ee1112bbca6a3"
	  "eafc1471788218217c2206d805bf318b5ba14d3b345042abdb07eecbb36a3289cc0e94fdd37954f6323b7ecf1a51bb9f"
	  "c986bc52c4ebdc97b8fa32aa6dbd95cdc5cfd0ee1a8bb86825c22c60fde6cf4da08302c5e6356189d5ad0de5d0184710"
	  "9246b81d1a6678088ba6486fbabc92c7bbd7" },
	{ "FeedbackModenocounter HMAC_SHA256 NO_COUNTER r=0 L=2064 COUNT=30", PF_KBKDF_MODE_FEEDBACK, PF_MAC_HMAC_SHA256, LOC_NONE, 0,
	  "75f453364530b3d0e1a03960e9264a43519952b14d01f0775a38523004c4da0e",
	  "b460670f339ad54f59e30e8ed00fd8045b34477f64c79b55dcedbf05bdabf98c",
	  "9e1632dd99296f47dda95c2d2bec800b7eaaebce447d39f3036a513a0577e39c0fe69c3ec66a436ff1331c627b1881ef"
	  "220549",
	  "",
	  "5d3c2207b3e85bebcdad99bd4718cc54f0e0c3ad2026bc5709a4758c24dc722093a8657681264b12cb0047f540e0a2fe"
	  "c4afa58e4ddd3a4b6152967a1f992e16aea55b0bddc7aebbe19aa677481467e5eeb8f702bf9b6cf5b6a2bc4ca514443f"
	  "9a42d968212592cf7859b41b639b053266e47b77f5fdae455f1cebd5c74e29faab361367116ded4491037894eb8c0d42"
	  "b5bae55e2b7e37cf3bdf4582bba194c30d437c82c033c45f213b7e10879620db14f231460693e60a2fc0c55ec7c8fbf9"
	  "38f0a6ba9eecc76a1d6edb43d5aa1e33ed289c874ec972aa317e671ec139e6333f111a1bdd16ad3dcecb4f9beb1c4f69"
	  "73db8759533e4f31c2633aa319da205069b9" },
	{ "FeedbackModenocounter HMAC_SHA512 NO_COUNTER r=0 L=2064 COUNT=30", PF_KBKDF_MODE_FEEDBACK, PF_MAC_HMAC_SHA512, LOC_NONE, 0,
	  "b059cefb9aa25bc9f44889eed85aef37973bcfa0703f3e4ad1adaeda2d14b2e971b93d5abc10885251100d96e324a73f"
	  "ffd72e94871b9201ea2fd36ee0aede3d",
	  "62cdd89ec17155655fe3ef9b4d6b58760877d30c54827aac6bb8867341e5f067b015259c57e9fac6990820e2a3852e85"
	  "22f03099646a5b3355356716e4514e9c",
	  "60c08969d798e18413b6e176b721d28b45350858e8f3182d90258ff9d332280eb1cea3aebcc5d80cacc14294988a40fb"
	  "29d2a0",
	  "",
	  "6ffd97f6f82255b0158c707a9e9418962bba6e93b3df13184b4a803db57bfddb9285ea6d789b892852aa02e14922de58"
	  "39754581a2d7831d01b9ea6c69fa58a2df2d82426031b3872330d93aa70fc1fbcdfb5bfa704def15d5492c3ed9f042a3"
	  "26b6cc6ac5b07f3f2cb72c4c9c026548ef73c31fb00bf8d40249320bd73d20b332d27966b082a9db9fe671f92c146930"
	  "5b0df0da5a4436f6cd1ecf761f7ff26c6799aefcbd7b6ea1e6dcfcf367edd2b2f00f952baeb206e71670dc60464928d9"
	  "baab59f940a11531224e1e55ca5765f0a9b9e4ffd46b9415f61aff2e9d6eeafc02994b493272157e8d9c5da8728436c2"
	  "a1c2e36b97c95359e0eb07c2f74094f0a239" },
	/* AES-192 keys are accepted too (CMAC_AES192 groups) */
	{ "KDFCTR_gen.rsp CMAC_AES192 BEFORE_FIXED r=32 L=320 COUNT=30", PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, LOC_BEFORE_FIXED, 32,
	  "d64c598436507f4d05d7ebe780092996f281901dc9c8612f",
	  "",
	  "0ea737cfca2560856917f3a2ff5e2175930d0719bba85a9c8d8cb311a0a1b8caf8ffe03e9a86ab17046670011c9fec5c"
	  "5cd697d9cd931f615cdfe649",
	  "",
	  "3c26968bd3997c653f79bb725c36d784b590d18a64678cf312abe8a57b2891c27282e37b6a49cd73" },
	{ "FeedbackModeNOzeroiv CMAC_AES192 AFTER_FIXED r=8 L=2400 COUNT=30", PF_KBKDF_MODE_FEEDBACK, PF_MAC_CMAC_AES, LOC_AFTER_FIXED, 8,
	  "58c295620781e0170baa63b0ca9b3abfeb082886834f7d2f",
	  "2c86d7618ab1453748d56d1b9a2e6f2e",
	  "5067c21352c2c0e77f691720e39574602540508d9766a792b68e6141a4eccedcb763ee84b3264c59c4f90af1fec1ec83"
	  "e9500e",
	  "",
	  "10cc5a1e3379d9c9d4444ef95eecc75f5023dc667fe9f3e69eb6ba3e3d3b2a8770d17137c10fdb6daf016f499b777eac"
	  "1768f7690c8fbe1fd0363797bcb036a955010bce47ad88ffd342c113b51bba254e57e28eb9a87d6beb6a614cd8e33e50"
	  "2580562319d9bf4c44c78dc5a27a46f83735bf95e2b005943b6bc4c5ee6b72927b9fff480098d6dbdbd67c294481bb77"
	  "bd50a787875472183fd2f28f02c79ecf47b19326e769ba081ea6c3909666ee6464bca31038e1c7cbe9a1234a8e6eab97"
	  "fc363d0fb765ed086a668a625d007a1c3fb1ecacbaac12903078be4004c219419ac32f49289283beb575b6814c2f9eff"
	  "09da106149da0467af8289aad2a71543cb28456a0a3669642789c813919a876584d9c07742a15be05700f08ce07b2bf1"
	  "14671d0f8cc822ef7ca76f84" },
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

typedef struct decoded {
	uint8_t ki[64], iv[64], fixed[128], after[64], ko[320];
	size_t ki_len, iv_len, fixed_len, after_len, ko_len;
	pf_kbkdf_field fields[4];
	pf_kbkdf_params p;
} decoded;

static pf_kbkdf_field counter_field(pf_kbkdf_field_type type, unsigned r)
{
	return (pf_kbkdf_field){ .type = type, .width_bits = r };
}

static pf_kbkdf_field bytes_field(const uint8_t *b, size_t len)
{
	return (pf_kbkdf_field){ .type = PF_KBKDF_BYTES, .bytes = b, .len = len };
}

/* The PKCS#11 data-parameter list that expresses CAVP's counter location. */
static size_t cavp_fields(const cavp_vec *v, decoded *d)
{
	pf_kbkdf_field fixed = bytes_field(d->fixed, d->fixed_len);
	pf_kbkdf_field iter = v->mode == PF_KBKDF_MODE_COUNTER
	                      ? counter_field(PF_KBKDF_ITERATION, v->r)
	                      : (pf_kbkdf_field){ .type = PF_KBKDF_ITERATION };
	pf_kbkdf_field ctr = counter_field(PF_KBKDF_OPTIONAL_COUNTER, v->r);
	pf_kbkdf_field *f = d->fields;

	switch (v->loc) {
	case LOC_BEFORE_FIXED: f[0] = iter; f[1] = fixed; return 2;
	case LOC_AFTER_FIXED:
		if (v->mode == PF_KBKDF_MODE_COUNTER) {
			f[0] = fixed; f[1] = iter; return 2;
		}
		f[0] = iter; f[1] = fixed; f[2] = ctr; return 3;
	case LOC_MIDDLE_FIXED:
		f[0] = fixed; f[1] = iter; f[2] = bytes_field(d->after, d->after_len); return 3;
	case LOC_BEFORE_ITER: f[0] = ctr; f[1] = iter; f[2] = fixed; return 3;
	case LOC_AFTER_ITER: f[0] = iter; f[1] = ctr; f[2] = fixed; return 3;
	case LOC_NONE: f[0] = iter; f[1] = fixed; return 2;
	}
	fail();
	return 0;
}

static void decode(const cavp_vec *v, decoded *d)
{
	memset(d, 0, sizeof(*d));
	d->ki_len = unhex(v->ki, d->ki, sizeof(d->ki));
	d->iv_len = unhex(v->iv, d->iv, sizeof(d->iv));
	d->fixed_len = unhex(v->fixed, d->fixed, sizeof(d->fixed));
	d->after_len = unhex(v->after, d->after, sizeof(d->after));
	d->ko_len = unhex(v->ko, d->ko, sizeof(d->ko));
	d->p.mode = v->mode;
	d->p.prf = v->prf;
	d->p.fields = d->fields;
	d->p.n_fields = cavp_fields(v, d);
	if (v->mode == PF_KBKDF_MODE_FEEDBACK) {
		d->p.iv = d->iv_len != 0 ? d->iv : NULL;
		d->p.iv_len = d->iv_len;
	}
}

static void expect(const char *name, const uint8_t *got, const uint8_t *want, size_t len)
{
	if (memcmp(got, want, len) != 0)
		fail_msg("%s: got %s", name, tohex(got, len));
}

static void test_cavp_vectors(void **state)
{
	size_t via_evp_kdf = 0, via_evp_mac_only = 0;
	(void)state;

	for (size_t i = 0; i < N_ELEMS(cavp); i++) {
		decoded d;
		uint8_t out[320];

		decode(&cavp[i], &d);
		assert_int_equal(pf_kbkdf_check(&d.p, d.ko_len), PF_CRYPTO_OK);
		memset(out, 0xa5, sizeof(out));
		assert_int_equal(pf_kbkdf_derive(&d.p, d.ki, d.ki_len, out, d.ko_len), PF_CRYPTO_OK);
		expect(cavp[i].name, out, d.ko, d.ko_len);
		/* The EVP_MAC engine takes every layout: run it on all. */
		memset(out, 0xa5, sizeof(out));
		assert_int_equal(pf_kbkdf_derive_evp_mac(&d.p, d.ki, d.ki_len, out, d.ko_len), PF_CRYPTO_OK);
		expect(cavp[i].name, out, d.ko, d.ko_len);
		if (pf_kbkdf_evp_kdf_fits(&d.p, d.ko_len)) {
			memset(out, 0xa5, sizeof(out));
			assert_int_equal(pf_kbkdf_derive_evp_kdf(&d.p, d.ki, d.ki_len, out, d.ko_len),
			                 PF_CRYPTO_OK);
			expect(cavp[i].name, out, d.ko, d.ko_len);
			via_evp_kdf++;
		} else {
			via_evp_mac_only++;
		}
	}
	/* Both engines were really exercised (r = 32 before the fixed data / after
	 * the iteration variable fits OpenSSL's KBKDF; the rest does not). */
	assert_true(via_evp_kdf >= 6);
	assert_true(via_evp_mac_only >= 12);
}

static void fill(uint8_t *buf, size_t len, uint8_t start)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(start + i);
}

/* Layouts with a DKM length, which CAVP's files fold into the fixed data:
 * answers of python3-cryptography's own KBKDF. */
static void test_dkm_layouts_cryptography(void **state)
{
	uint8_t k32[32], k16[16], out[64];
	(void)state;

	fill(k32, sizeof(k32), 0x00);
	fill(k16, sizeof(k16), 0x40);

	/* python3-cryptography KBKDFHMAC(SHA256, CounterMode, length=42, rlen=4,
	 * llen=4, BeforeFixed, label=b"label", context=b"context"): its fixed
	 * input is label || 00 || context || [L]_32. OpenSSL's own layout. */
	{
		pf_kbkdf_field f[] = {
			counter_field(PF_KBKDF_ITERATION, 32), bytes_field((const uint8_t *)"label", 6),
			bytes_field((const uint8_t *)"context", 7),
			{ .type = PF_KBKDF_DKM_LENGTH, .width_bits = 32, .dkm_method = PF_KBKDF_DKM_SUM_OF_KEYS },
		};
		pf_kbkdf_params p = { PF_KBKDF_MODE_COUNTER, PF_MAC_HMAC_SHA256, f, N_ELEMS(f), NULL, 0 };

		assert_true(pf_kbkdf_evp_kdf_fits(&p, 42));
		assert_int_equal(pf_kbkdf_derive(&p, k32, 32, out, 42), PF_CRYPTO_OK);
		assert_hex_equal(out, 42, "b9cd5f6323f01f4680650855f1ebea9b4c54c08131b506fc28c856364a38a2f4"
		                          "fb680c12ea51696887d9");
		assert_int_equal(pf_kbkdf_derive_evp_mac(&p, k32, 32, out, 42), PF_CRYPTO_OK);
		assert_hex_equal(out, 42, "b9cd5f6323f01f4680650855f1ebea9b4c54c08131b506fc28c856364a38a2f4"
		                          "fb680c12ea51696887d9");
	}
	/* KBKDFCMAC(AES, CounterMode, length=20, rlen=1, llen=2, AfterFixed,
	 * label=b"LBL", context=b""), key 40..4f: [L] of 16 bits, counter last. */
	{
		pf_kbkdf_field f[] = {
			bytes_field((const uint8_t *)"LBL", 4),
			{ .type = PF_KBKDF_DKM_LENGTH, .width_bits = 16, .dkm_method = PF_KBKDF_DKM_SUM_OF_KEYS },
			counter_field(PF_KBKDF_ITERATION, 8),
		};
		pf_kbkdf_params p = { PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, f, N_ELEMS(f), NULL, 0 };

		assert_false(pf_kbkdf_evp_kdf_fits(&p, 20));
		assert_int_equal(pf_kbkdf_derive(&p, k16, 16, out, 20), PF_CRYPTO_OK);
		assert_hex_equal(out, 20, "dbd879a81bb0ad460d4954c3c75d3309c62ab6db");
	}
}

/* DKM layouts python3-cryptography's KBKDF cannot make (little-endian,
 * sum of segments, feedback mode): the Python model over its HMAC/CMAC. */
static void test_dkm_layouts_model(void **state)
{
	uint8_t k48[48], iv[16], out[128], want[128];
	(void)state;

	fill(k48, sizeof(k48), 0x80);
	fill(iv, sizeof(iv), 0x10);
	/* Python model: HMAC-SHA384, "pre" | [i]_16le | "post" | [L]_24le with
	 * L = sum of segments (3 blocks * 48 * 8 = 1152), key 80..af, 100 bytes. */
	{
		pf_kbkdf_field f[] = {
			bytes_field((const uint8_t *)"pre", 3),
			{ .type = PF_KBKDF_ITERATION, .width_bits = 16, .little_endian = 1 },
			bytes_field((const uint8_t *)"post", 4),
			{ .type = PF_KBKDF_DKM_LENGTH, .width_bits = 24, .little_endian = 1,
			  .dkm_method = PF_KBKDF_DKM_SUM_OF_SEGMENTS },
		};
		pf_kbkdf_params p = { PF_KBKDF_MODE_COUNTER, PF_MAC_HMAC_SHA384, f, N_ELEMS(f), NULL, 0 };

		assert_int_equal(pf_kbkdf_derive(&p, k48, 48, out, 100), PF_CRYPTO_OK);
		unhex("ff9d49dc3dbf77286403af1c17dd01f7bd7c306cf5d8dd18478730a3d3a1798ca204556755cee00c"
		      "2e2f944730a27a61dfdaa8599df11140d6bb21abe67d0f93a87ae6c7ad0ded2ab804b72abaa6c6e1"
		      "28cb10be6329c5c146629e62dec34dc55c7f45f1", want, sizeof(want));
		expect("hmac-sha384 le", out, want, 100);
	}
	/* Python model, feedback: CMAC-AES256 (key c0..df), IV 10..1f,
	 * [L]_64be (sum of keys, 320) | [i]_24le | K(i-1) | "label", 40 bytes. */
	{
		uint8_t k[32];
		pf_kbkdf_field f[] = {
			{ .type = PF_KBKDF_DKM_LENGTH, .width_bits = 64, .dkm_method = PF_KBKDF_DKM_SUM_OF_KEYS },
			{ .type = PF_KBKDF_OPTIONAL_COUNTER, .width_bits = 24, .little_endian = 1 },
			{ .type = PF_KBKDF_ITERATION }, bytes_field((const uint8_t *)"label", 5),
		};
		pf_kbkdf_params p = { PF_KBKDF_MODE_FEEDBACK, PF_MAC_CMAC_AES, f, N_ELEMS(f), iv, 16 };

		fill(k, sizeof(k), 0xc0);
		assert_int_equal(pf_kbkdf_derive(&p, k, 32, out, 40), PF_CRYPTO_OK);
		assert_hex_equal(out, 40, "64f8d2b9bb51d2178c59381616c6db8203a2a5c068ff01ea9b82ce44070a4c98"
		                          "b45dad0bdf6b28e6");
	}
}

/* Derive into a dirty buffer and expect rc and a wiped buffer. */
/* Every layout OpenSSL's KBKDF takes, through both engines: the EVP_MAC
 * engine is pinned by the vectors above, so agreement pins EVP_KDF's use
 * (Label/Context order, separator off, [L], empty arrays, empty IV). */
static void test_engines_agree(void **state)
{
	static const struct { pf_mac_alg prf; size_t key_len; } prfs[] = {
		{ PF_MAC_CMAC_AES, 16 }, { PF_MAC_CMAC_AES, 32 }, { PF_MAC_HMAC_SHA256, 32 },
		{ PF_MAC_HMAC_SHA384, 48 }, { PF_MAC_HMAC_SHA512, 20 },
	};
	uint8_t key[48], iv[64], a[200], b[200];
	size_t checked = 0;
	(void)state;

	fill(key, sizeof(key), 0x11);
	fill(iv, sizeof(iv), 0x22);
	for (size_t x = 0; x < N_ELEMS(prfs); x++)
		for (int mode = PF_KBKDF_MODE_COUNTER; mode <= PF_KBKDF_MODE_FEEDBACK; mode++)
			for (unsigned shape = 0; shape < 16; shape++) {
				size_t h = pf_mac_alg_size(prfs[x].prf), out_len = (size_t[]){ 1, h, h + 1, 3 * h - 1 }[shape & 3];
				pf_kbkdf_field f[5];
				size_t n = 0;
				pf_kbkdf_params p = { mode, prfs[x].prf, f, 0, NULL, 0 };

				if (mode == PF_KBKDF_MODE_COUNTER) {
					f[n++] = counter_field(PF_KBKDF_ITERATION, 32);
				} else {
					f[n++] = (pf_kbkdf_field){ .type = PF_KBKDF_ITERATION };
					f[n++] = counter_field(PF_KBKDF_OPTIONAL_COUNTER, 32);
					p.iv = shape & 4 ? iv : NULL;
					p.iv_len = shape & 4 ? h : 0; /* OpenSSL: empty or one block */
				}
				f[n++] = bytes_field((const uint8_t *)"label", shape & 4 ? 5 : 0);
				if (shape & 8)
					f[n++] = bytes_field((const uint8_t *)"context", 7);
				if (shape & 2)
					f[n++] = (pf_kbkdf_field){ .type = PF_KBKDF_DKM_LENGTH, .width_bits = 32,
					                           .dkm_method = PF_KBKDF_DKM_SUM_OF_KEYS };
				p.n_fields = n;
				assert_int_equal(pf_kbkdf_check(&p, out_len), PF_CRYPTO_OK);
				assert_true(pf_kbkdf_evp_kdf_fits(&p, out_len));
				if (pf_kbkdf_derive_evp_kdf(&p, key, prfs[x].key_len, a, out_len) != PF_CRYPTO_OK)
					fail_msg("EVP_KDF: prf %zu mode %d shape %u", x, mode, shape);
				assert_int_equal(pf_kbkdf_derive_evp_mac(&p, key, prfs[x].key_len, b, out_len), PF_CRYPTO_OK);
				assert_memory_equal(a, b, out_len);
				checked++;
			}
	assert_int_equal(checked, N_ELEMS(prfs) * 2 * 16);
}

/* Layouts one detail away from OpenSSL's (little-endian [L] or counter, [L]
 * as a sum of segments that differs from out_len * 8, an IV that is not
 * one PRF block): they must not be
 * handed to EVP_KDF "KBKDF", which would silently compute its own layout.
 * Answers from the Python model over python3-cryptography's HMAC/CMAC. */
static void test_near_openssl_layouts(void **state)
{
	static const struct {
		pf_kbkdf_mode mode;
		pf_mac_alg prf;
		uint8_t key_start, key_len, iv_byte, iv_len;
		pf_kbkdf_field f[4];
		size_t n, out_len;
		const char *want;
	} v[] = {
		/* HMAC-SHA512, key 30..6f: [i]_32be | "ctx" | [L]_32le (sum of keys) */
		{ PF_KBKDF_MODE_COUNTER, PF_MAC_HMAC_SHA512, 0x30, 64, 0, 0,
		  { { .type = PF_KBKDF_ITERATION, .width_bits = 32 },
		    { .type = PF_KBKDF_BYTES, .bytes = (const uint8_t *)"ctx", .len = 3 },
		    { .type = PF_KBKDF_DKM_LENGTH, .width_bits = 32, .little_endian = 1,
		      .dkm_method = PF_KBKDF_DKM_SUM_OF_KEYS } }, 3, 70,
		  "87dadf17d0d524b65c743165134319b29e1fe1f5b09e6316cb401f3aab3fd4e8a971053b6ea77f48436efd05a37b"
		  "cd6f6f901ff27d43fded697c0ca65f28bc326f4b573aad68" },
		/* CMAC-AES128, key 50..5f: [i]_32le | "x" */
		{ PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, 0x50, 16, 0, 0,
		  { { .type = PF_KBKDF_ITERATION, .width_bits = 32, .little_endian = 1 },
		    { .type = PF_KBKDF_BYTES, .bytes = (const uint8_t *)"x", .len = 1 } }, 2, 33,
		  "9f4c174899e594a95fd7254fec8487a57221a67d8708b9aa81d1b81f4b207868b0" },
		/* HMAC-SHA256 feedback, key 60..7f, IV 99 x 8:
		 * K(i-1) | [i]_32be | "lab" | [L]_32be with L = 2 segments = 512 */
		{ PF_KBKDF_MODE_FEEDBACK, PF_MAC_HMAC_SHA256, 0x60, 32, 0x99, 8,
		  { { .type = PF_KBKDF_ITERATION },
		    { .type = PF_KBKDF_OPTIONAL_COUNTER, .width_bits = 32 },
		    { .type = PF_KBKDF_BYTES, .bytes = (const uint8_t *)"lab", .len = 3 },
		    { .type = PF_KBKDF_DKM_LENGTH, .width_bits = 32,
		      .dkm_method = PF_KBKDF_DKM_SUM_OF_SEGMENTS } }, 4, 40,
		  "572bba331efd94e95c3d5ba1e19e024b5f19af87c56f53baad847baf69cc5f29828ce88850f0d060" },
		/* HMAC-SHA256 feedback, key 11..30, IV 77 x 16 (shorter than a block,
		 * which OpenSSL 3.0's KBKDF refuses): K(i-1) | [i]_32be | "label" */
		{ PF_KBKDF_MODE_FEEDBACK, PF_MAC_HMAC_SHA256, 0x11, 32, 0x77, 16,
		  { { .type = PF_KBKDF_ITERATION },
		    { .type = PF_KBKDF_OPTIONAL_COUNTER, .width_bits = 32 },
		    { .type = PF_KBKDF_BYTES, .bytes = (const uint8_t *)"label", .len = 5 } }, 3, 40,
		  "a2670d45fad1bd7f97c4611324129d5c5c864b0e08592ede4a49366e7c2a6902513bedda6d72fa55" },
	};
	(void)state;

	for (size_t i = 0; i < N_ELEMS(v); i++) {
		uint8_t key[64], iv[16], out[80];
		pf_kbkdf_params p = { v[i].mode, v[i].prf, v[i].f, v[i].n, v[i].iv_len ? iv : NULL,
		                      v[i].iv_len };

		for (int j = 0; j < v[i].key_len; j++)
			key[j] = (uint8_t)(v[i].key_start + j);
		memset(iv, v[i].iv_byte, sizeof(iv));
		assert_false(pf_kbkdf_evp_kdf_fits(&p, v[i].out_len));
		assert_int_equal(pf_kbkdf_derive(&p, key, v[i].key_len, out, v[i].out_len), PF_CRYPTO_OK);
		assert_hex_equal(out, v[i].out_len, v[i].want);
	}
}

#define PF_KBKDF_TEST_ROOM (255 * 32 + 64)

static void expect_refused(const pf_kbkdf_params *p, size_t out_len, int rc, const char *why)
{
	static const uint8_t key[32] = { 1, 2, 3 };
	uint8_t out[PF_KBKDF_TEST_ROOM];
	static const uint8_t zero[PF_KBKDF_TEST_ROOM];

	memset(out, 0xa5, sizeof(out));
	if (pf_kbkdf_derive(p, key, p->prf == PF_MAC_CMAC_AES ? 16 : 32, out, out_len) != rc)
		fail_msg("%s: not refused with %d", why, rc);
	if (out_len <= sizeof(out) && memcmp(out, zero, out_len) != 0)
		fail_msg("%s: output not wiped", why);
}

/* A valid base ([i]_32 | "L", optionally | [L]_32) that each case breaks once. */
static pf_kbkdf_field bad_f[PF_KBKDF_MAX_FIELDS + 1];
static pf_kbkdf_params bad_p;

static void reset(size_t n_fields)
{
	bad_p = (pf_kbkdf_params){ PF_KBKDF_MODE_COUNTER, PF_MAC_HMAC_SHA256, bad_f, n_fields, NULL, 0 };
	bad_f[0] = counter_field(PF_KBKDF_ITERATION, 32);
	bad_f[1] = bytes_field((const uint8_t *)"L", 1);
	bad_f[2] = (pf_kbkdf_field){ .type = PF_KBKDF_DKM_LENGTH, .width_bits = 32,
	                             .dkm_method = PF_KBKDF_DKM_SUM_OF_KEYS };
}

static void test_bad_widths_and_lengths(void **state)
{
	(void)state;
	/* counter widths the standard does not list */
	for (unsigned w = 0; w <= 40; w++) {
		reset(2); bad_f[0].width_bits = w;
		if (w == 8 || w == 16 || w == 24 || w == 32)
			assert_int_equal(pf_kbkdf_check(&bad_p, 32), PF_CRYPTO_OK);
		else
			expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "counter width");
	}
	/* DKM widths: whole bytes from 8 to 64 only (L = 128 fits them all) */
	for (unsigned w = 0; w <= 72; w++) {
		reset(3); bad_f[2].width_bits = w;
		if (w % 8 == 0 && w >= 8 && w <= 64)
			assert_int_equal(pf_kbkdf_check(&bad_p, 16), PF_CRYPTO_OK);
		else
			expect_refused(&bad_p, 16, PF_CRYPTO_BAD_PARAM, "dkm width");
	}
	reset(3); bad_f[2].dkm_method = 0;
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "dkm method 0");
	reset(3); bad_f[2].dkm_method = 3;
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "dkm method 3");
	/* L = 256 bits does not fit 8 bits; 248 does */
	reset(3); bad_f[2].width_bits = 8;
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "L overflows its width");
	assert_int_equal(pf_kbkdf_check(&bad_p, 31), PF_CRYPTO_OK);
	/* sum of segments: 1 byte of output is still one 256-bit segment */
	bad_f[2].dkm_method = PF_KBKDF_DKM_SUM_OF_SEGMENTS;
	expect_refused(&bad_p, 1, PF_CRYPTO_BAD_PARAM, "segments overflow the width");
	/* a DKM length of 0, one over the maximum */
	reset(2);
	expect_refused(&bad_p, 0, PF_CRYPTO_BAD_PARAM, "zero length");
	expect_refused(&bad_p, PF_KDF_MAX_OUT + 1, PF_CRYPTO_BAD_PARAM, "over the maximum");
	/* an 8-bit counter wraps after 255 blocks */
	reset(2); bad_f[0].width_bits = 8;
	assert_int_equal(pf_kbkdf_check(&bad_p, 255 * 32), PF_CRYPTO_OK);
	expect_refused(&bad_p, 255 * 32 + 1, PF_CRYPTO_BAD_PARAM, "8-bit counter wraps");
}

static void test_bad_lists(void **state)
{
	(void)state;
	reset(3);
	assert_int_equal(pf_kbkdf_check(&bad_p, 16), PF_CRYPTO_OK); /* the base is valid */
	reset(2); bad_f[0] = bad_f[1];
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "no iteration variable");
	reset(2); bad_f[1] = bad_f[0];
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "two iteration variables");
	reset(3); bad_f[1] = bad_f[2];
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "two dkm lengths");
	/* an optional counter belongs to feedback mode only */
	reset(2); bad_f[1] = counter_field(PF_KBKDF_OPTIONAL_COUNTER, 32);
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "optional counter in counter mode");
	reset(2); bad_f[1] = bad_f[0]; bad_f[0] = counter_field(PF_KBKDF_OPTIONAL_COUNTER, 32);
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "optional counter first in counter mode");
	reset(2); bad_f[1].type = 5;
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "unknown field type");
	reset(2); bad_f[1].bytes = NULL;
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "NULL bytes");
	/* no list, an empty one, one longer than the limit */
	reset(2); bad_p.fields = NULL;
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "no list");
	reset(2); bad_p.n_fields = 0;
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "empty list");
	reset(PF_KBKDF_MAX_FIELDS);
	for (size_t i = 2; i < N_ELEMS(bad_f); i++)
		bad_f[i] = bad_f[1];
	assert_int_equal(pf_kbkdf_check(&bad_p, 32), PF_CRYPTO_OK);
	bad_p.n_fields = PF_KBKDF_MAX_FIELDS + 1;
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "too many fields");
	/* PRFs outside the four, an unknown mode, an IV in counter mode */
	reset(2); bad_p.prf = PF_MAC_HMAC_SHA1;
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "HMAC-SHA1");
	reset(2); bad_p.prf = PF_MAC_COUNT;
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "unknown PRF");
	reset(2); bad_p.mode = 7;
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "unknown mode");
	reset(2); bad_p.iv = (const uint8_t *)"x"; bad_p.iv_len = 1;
	expect_refused(&bad_p, 32, PF_CRYPTO_BAD_PARAM, "IV in counter mode");
	assert_int_equal(pf_kbkdf_check(NULL, 32), PF_CRYPTO_BAD_PARAM);
}

static void test_bad_feedback_parameters(void **state)
{
	pf_kbkdf_field f[3] = { { .type = PF_KBKDF_ITERATION }, counter_field(PF_KBKDF_OPTIONAL_COUNTER, 8),
	                        bytes_field((const uint8_t *)"L", 1) };
	pf_kbkdf_params p = { PF_KBKDF_MODE_FEEDBACK, PF_MAC_CMAC_AES, f, 3, NULL, 0 };
	(void)state;

	assert_int_equal(pf_kbkdf_check(&p, 16), PF_CRYPTO_OK);
	/* the iteration variable of feedback mode is K(i-1): no width */
	f[0].width_bits = 32;
	expect_refused(&p, 16, PF_CRYPTO_BAD_PARAM, "feedback iteration with a width");
	f[0].width_bits = 0;
	/* two counters */
	f[2] = f[1];
	expect_refused(&p, 16, PF_CRYPTO_BAD_PARAM, "two counters");
	f[2] = bytes_field((const uint8_t *)"L", 1);
	/* an optional counter of 12 bits */
	f[1].width_bits = 12;
	expect_refused(&p, 16, PF_CRYPTO_BAD_PARAM, "feedback counter width");
	f[1].width_bits = 8;
	/* an IV length without an IV */
	p.iv_len = 16;
	expect_refused(&p, 16, PF_CRYPTO_BAD_PARAM, "IV length without IV");
	p.iv_len = 0;
	/* 8-bit counter: at most 255 blocks of 16 bytes */
	assert_int_equal(pf_kbkdf_check(&p, 255 * 16), PF_CRYPTO_OK);
	expect_refused(&p, 255 * 16 + 1, PF_CRYPTO_BAD_PARAM, "feedback counter wraps");
}

/* A key the PRF cannot take: an error, the output wiped, nothing derived. */
static void test_bad_keys(void **state)
{
	uint8_t out[32], key[33] = { 0 }, zero[32] = { 0 };
	pf_kbkdf_field f[2] = { counter_field(PF_KBKDF_ITERATION, 8), bytes_field((const uint8_t *)"L", 1) };
	pf_kbkdf_params p = { PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, f, 2, NULL, 0 };
	(void)state;

	for (size_t len = 0; len <= 33; len++) {
		int ok = len == 16 || len == 24 || len == 32;
		memset(out, 0xa5, sizeof(out));
		assert_int_equal(pf_kbkdf_derive(&p, key, len, out, 32), ok ? PF_CRYPTO_OK : PF_CRYPTO_ERR);
		if (!ok)
			assert_memory_equal(out, zero, sizeof(out));
	}
	assert_int_equal(pf_kbkdf_derive(&p, NULL, 16, out, 32), PF_CRYPTO_ERR);
	assert_memory_equal(out, zero, sizeof(out));
	assert_int_equal(pf_kbkdf_derive(&p, key, 16, NULL, 32), PF_CRYPTO_ERR);
	p.prf = PF_MAC_HMAC_SHA512; /* HMAC takes any non-empty key */
	assert_int_equal(pf_kbkdf_derive(&p, key, 1, out, 32), PF_CRYPTO_OK);
	assert_int_equal(pf_kbkdf_derive(&p, key, 0, out, 32), PF_CRYPTO_ERR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cavp_vectors),
		cmocka_unit_test(test_dkm_layouts_cryptography),
		cmocka_unit_test(test_dkm_layouts_model),
		cmocka_unit_test(test_near_openssl_layouts),
		cmocka_unit_test(test_engines_agree),
		cmocka_unit_test(test_bad_widths_and_lengths),
		cmocka_unit_test(test_bad_lists),
		cmocka_unit_test(test_bad_feedback_parameters),
		cmocka_unit_test(test_bad_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
